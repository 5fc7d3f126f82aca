"""Daily report pages (ACT-03): write, save a draft or submit; read the team's, reply; the month."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas_core.activities import reports
from saas_core.activities.forms import ReplyForm, ReportForm
from saas_core.activities.models import DailyReport
from saas_core.org.access import can, permission_required
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, paginate

MODULE = "activities"


def _report_or_404(request: HttpRequest, pk: int) -> DailyReport:
    report = reports.reports_for(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


UNREAD_SHOWN = 20


@permission_required(MODULE, "view")
def report_home(request: HttpRequest) -> HttpResponse:
    """Mine (with replies I have not read) and the team's of one day, by person, unread marked."""
    user = request.user
    day = parse_date(request.GET.get("date", "") or "") or timezone.localdate()
    person = request.GET.get("person", "")
    team = reports.with_unread(reports.reports_for(user).exclude(author=user).filter(day=day), user)
    if person.isdigit():
        team = team.filter(author_id=int(person))
    mine = reports.with_unread(reports.reports_for(user).filter(author=user), user)
    page, size = paginate(request, mine)
    unread_total = reports.unread_count(user)
    # The team's unread reports of any day, so yesterday's do not hide behind today's empty list.
    unread_team = (list(reports.with_unread(reports.reports_for(user).exclude(author=user), user)
                        .filter(unread=True).order_by("-day", "author__name")[:UNREAD_SHOWN]) if unread_total else [])
    return render(request, "activities/reports/home.html", {
        "day": day, "prev": day - timedelta(days=1), "next": day + timedelta(days=1),
        "team": list(team.order_by("author__name")), "people": reports.team_of(user).exclude(pk=user.pk),
        "person": person, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "today": timezone.localdate(),
        "today_report": reports.report_of(user, timezone.localdate()),
        "unread_total": unread_total, "unread_team": unread_team, "can_write": can(user, MODULE, "create"),
    })


@permission_required(MODULE, "create")
def report_write(request: HttpRequest, day: str) -> HttpResponse:
    user = request.user
    when = parse_date(day)
    if when is None:
        raise Http404
    report = reports.report_of(user, when)
    if report is not None and report.status == DailyReport.Status.SUBMITTED:
        return redirect("activities:report", pk=report.pk)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            report = reports.save_report(by=user, day=when, submit=submit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your daily report has been submitted.") if submit
                             else _("The draft has been saved."))
            return redirect("activities:report", pk=report.pk) if submit else redirect("activities:report_write", day=day)
    return render(request, "activities/reports/write.html", {
        "form": form, "day": when, "report": report, "activity": reports.activity_of(user, when),
    })


@permission_required(MODULE, "view")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    unread = reports.with_unread(DailyReport.objects.filter(pk=report.pk), request.user).values_list("unread", flat=True)[0]
    reports.mark_seen(report, request.user)
    return render(request, "activities/reports/detail.html", {
        "report": report, "replies": list(report.replies.select_related("author")), "was_unread": unread,
        "reply_form": ReplyForm() if report.status == DailyReport.Status.SUBMITTED else None,
    })


@require_POST
@permission_required(MODULE, "view")
def report_reply(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reports.reply(report, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your reply has been posted."))
    else:
        messages.error(request, _("Write a reply."))
    return redirect("activities:report", pk=report.pk)


@permission_required(MODULE, "view")
def report_month(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in request.GET.get("month", "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    overview = reports.month_overview(request.user, first.year, first.month)
    prev = (first - timedelta(days=1)).replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return render(request, "activities/reports/month.html", {"first": first, "prev": prev, "next": nxt, **overview})
