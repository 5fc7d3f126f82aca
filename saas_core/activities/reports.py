"""Daily reports (工作日报, ACT-03): the day's CRM activity filled in, summary and plan, draft and
submit, automatic submission, superiors' replies, unread markers and the monthly overview."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from saas_core.accounts.models import User
from saas_core.activities.models import DailyReport, FollowUp, ReportReply, ReportSeen, TaskAssignment
from saas_core.activities.services import day_start, notify
from saas_core.customers.models import Customer
from saas_core.org.access import require
from saas_core.org.scope import can_see, visible, visible_user_ids

MODULE = "activities"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def activity_of(user: User, day: date) -> dict:
    """What the CRM saw ``user`` do on ``day``: follow-ups, new customers, tasks done (the objective part)."""
    lo, hi = day_start(day), day_start(day + timedelta(days=1))
    followups = list(
        FollowUp.objects.filter(owner=user, happened_at__gte=lo, happened_at__lt=hi)
        .select_related("customer").order_by("happened_at")[:200]
    )
    customers = list(Customer.objects.filter(created_by=user, created_at__gte=lo, created_at__lt=hi).order_by("created_at")[:200])
    done = list(
        TaskAssignment.objects.filter(user=user, done_at__gte=lo, done_at__lt=hi).select_related("task").order_by("done_at")[:200]
    )
    return {
        "followups": [{"id": f.pk, "customer_id": f.customer_id, "customer": f.customer.name, "subject": f.subject,
                       "time": timezone.localtime(f.happened_at).strftime("%H:%M")} for f in followups],
        "new_customers": [{"id": c.pk, "name": c.name} for c in customers],
        "tasks_done": [{"id": a.task_id, "title": a.task.title} for a in done],
    }


def report_of(user: User, day: date) -> DailyReport | None:
    return DailyReport.objects.filter(author=user, day=day).first()


@transaction.atomic
def save_report(*, by: User, day: date, summary: str = "", plan: str = "", submit: bool = False) -> DailyReport:
    """Write (or rewrite) one's own report of ``day`` as a draft, or submit it; a submitted report is final."""
    require(by, MODULE, "create")
    today = timezone.localdate()
    if day > today:
        raise ValidationError({"day": [_("A daily report cannot be written for a day that has not come yet.")]})
    report = DailyReport.objects.select_for_update().filter(author=by, day=day).first()
    if report is None:
        report = DailyReport(author=by, day=day, created_by=by)
    elif report.status == DailyReport.Status.SUBMITTED:
        raise ValidationError(_("The report of %(day)s has been submitted and can no longer be changed.") % {"day": day})
    report.summary, report.plan = summary.strip(), plan.strip()
    report.activity = activity_of(by, day)
    if submit:
        if not report.summary:
            raise ValidationError({"summary": [_("Write a summary of the day before submitting.")]})
        report.status, report.submitted_at = DailyReport.Status.SUBMITTED, timezone.now()
    report.full_clean(exclude=["author"], validate_unique=False)
    report.save()
    return report


def auto_submit_before(today: date) -> int:
    """Drafts of days before ``today`` (company date) are submitted as they are; returns how many.

    Run hourly per company (activities.tasks.daily_jobs), so a draft is in before the next
    working day starts; the CRM activity is refreshed once more first.
    """
    count = 0
    while True:
        with transaction.atomic():
            drafts = list(DailyReport.objects.select_for_update(skip_locked=True)
                          .filter(status=DailyReport.Status.DRAFT, day__lt=today).select_related("author")[:200])
            if not drafts:
                return count
            now = timezone.now()
            for report in drafts:
                report.activity = activity_of(report.author, report.day)
                report.status, report.submitted_at, report.auto_submitted = DailyReport.Status.SUBMITTED, now, True
                report.save(update_fields=["activity", "status", "submitted_at", "auto_submitted", "updated_at"])
            count += len(drafts)


def reports_for(user: User) -> QuerySet[DailyReport]:
    """Reports ``user`` may read: their own, and submitted ones of people in their data scope."""
    qs = visible(DailyReport.objects.select_related("author"), user)
    return qs.filter(Q(author=user) | Q(status=DailyReport.Status.SUBMITTED))


def with_unread(queryset: QuerySet[DailyReport], user: User) -> QuerySet[DailyReport]:
    """Annotate ``unread``: a colleague's report submitted, or a reply by someone else, since ``user`` last opened it."""
    seen = ReportSeen.objects.filter(report=OuterRef("pk"), user=user).values("seen_at")[:1]
    queryset = queryset.annotate(seen_at=Subquery(seen))
    newer_reply = ReportReply.objects.filter(report=OuterRef("pk"), created_at__gt=Coalesce(OuterRef("seen_at"), Value(EPOCH))
                                             ).exclude(author=user)
    never_seen = Q(seen_at__isnull=True, status=DailyReport.Status.SUBMITTED) & ~Q(author=user)
    return queryset.annotate(unread=ExpressionWrapper(never_seen | Q(Exists(newer_reply)), output_field=BooleanField()))


def unread_count(user: User) -> int:
    return with_unread(reports_for(user), user).filter(unread=True).count()


def mark_seen(report: DailyReport, user: User) -> None:
    ReportSeen.objects.update_or_create(report=report, user=user, defaults={"seen_at": timezone.now()})


@transaction.atomic
def reply(report: DailyReport, *, by: User, body: str) -> ReportReply:
    """A superior (anyone whose scope covers the author) or the author answers on a submitted report."""
    if not can_see(by, report) or (report.status != DailyReport.Status.SUBMITTED):
        raise PermissionDenied(_("You may not reply to this report."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a reply.")]})
    answer = ReportReply.objects.create(report=report, author=by, body=body)
    DailyReport.objects.filter(pk=report.pk).update(last_reply_at=answer.created_at)
    mark_seen(report, by)
    if report.author_id != by.pk:
        notify(report.author, gettext_noop("%(by)s replied to your daily report of %(day)s"), {"by": by, "day": report.day},
               body=body[:300], url=f"/activities/reports/{report.pk}/")
    return answer


def team_of(user: User) -> QuerySet[User]:
    """The people whose reports ``user`` reads: their data scope (themselves included)."""
    users = User.objects.filter(is_active=True).order_by("name", "username")
    ids = visible_user_ids(user)
    return users if ids is None else users.filter(pk__in=sorted(ids))


def month_overview(user: User, year: int, month: int) -> dict:
    """Who submitted on which days of a month: {"days": [...], "rows": [(user, [status|None, ...])]}."""
    days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    people = list(team_of(user))
    cells: dict[tuple[int, date], str] = {}
    rows_qs = visible(DailyReport.objects.filter(day__range=(days[0], days[-1])), user)
    for author_id, day, status, auto in rows_qs.values_list("author_id", "day", "status", "auto_submitted"):
        if status == DailyReport.Status.DRAFT and author_id != user.pk:
            continue
        cells[(author_id, day)] = "auto" if auto else status
    rows = [(person, [cells.get((person.pk, d)) for d in days]) for person in people]
    return {"days": days, "rows": rows,
            "submitted": sum(1 for _p, cs in rows for c in cs if c in ("submitted", "auto"))}
