"""Pages of follow-ups, schedules and tasks, the calendar, notifications and customer care: thin
views over the services modules. A record outside the user's data scope (or another company's)
is a 404; an action the role may not take is a 403 with a message."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from saas_core.activities import care, services
from saas_core.activities.forms import CareRecordForm, FollowUpFilterForm, FollowUpForm, HandOverForm, TaskForm
from saas_core.activities.models import CareRecord, FollowUp, Task
from saas_core.customers import access as customer_access
from saas_core.customers.models import Contact
from saas_core.org.access import can, permission_required
from saas_core.org.scope import visible, visible_user_ids
from saas_core.records import bin as recycle_bin
from web.forms import add_service_errors
from web.navigation import next_url
from web.pagination import PAGE_SIZES, paginate

MODULE = "activities"
FOLLOWUP_SORTS = {"happened_at", "-happened_at", "next_on", "-next_on", "subject", "-subject"}
TASK_SORTS = {"starts_at", "-starts_at", "ends_at", "-ends_at", "title", "-title"}


def _scoped_or_404(queryset, request: HttpRequest, pk: int):
    obj = visible(queryset, request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --- follow-ups ----------------------------------------------------------------------------


@permission_required(MODULE, "view")
def followup_list(request: HttpRequest) -> HttpResponse:
    form = FollowUpFilterForm(request.GET or None)
    form.is_valid()
    f = dict(getattr(form, "cleaned_data", {}))
    rows = services.followups_for(request.user)
    rows = services.followup_window(rows, f.get("view") or "", start=f.get("start"), end=f.get("end"),
                                    field=f.get("field") or "happened")
    if f.get("mine"):
        rows = rows.filter(owner=request.user)
    if q := (f.get("q") or "").strip():
        rows = rows.filter(Q(subject__icontains=q) | Q(content__icontains=q) | Q(customer__name__icontains=q))
    sort = request.GET.get("sort", "-happened_at")
    sort = sort if sort in FOLLOWUP_SORTS else "-happened_at"
    page, size = paginate(request, rows.order_by(sort, "-id"))
    return render(request, "activities/followup_list.html", {
        "form": form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "sort": sort, "can_add": can(request.user, MODULE, "create"),
        "can_edit": can(request.user, MODULE, "edit"), "can_delete": can(request.user, MODULE, "delete"),
    })


def _followup_form(request: HttpRequest, followup: FollowUp | None) -> HttpResponse:
    customer = customer_access.customer_in_query(request) if followup is None else None
    # A new follow-up may come prefilled (a call's quick note: ``?subject=&content=&contact=``).
    initial = {name: request.GET[name][:2000] for name in ("subject", "content", "contact")
               if followup is None and request.GET.get(name)}
    if request.GET.get("opportunity", "").isdigit():
        initial["opportunity"] = request.GET["opportunity"]
    form = FollowUpForm(request.POST or None, instance=followup, user=request.user, customer=customer, initial=initial)
    fallback = reverse("customers:detail", args=[customer.pk]) if customer else reverse("activities:followups")
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_followup(followup, by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The follow-up “%(subject)s” has been saved.") % {"subject": saved.subject})
            return redirect(next_url(request, fallback))
    return render(request, "activities/followup_form.html", {
        "form": form, "customer": customer, "followup": followup, "next": next_url(request, fallback),
        "title": _("New follow-up") if followup is None else _("Edit follow-up"),
    })


@permission_required(MODULE, "create")
def followup_create(request: HttpRequest) -> HttpResponse:
    return _followup_form(request, None)


@permission_required(MODULE, "edit")
def followup_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _followup_form(request, _scoped_or_404(FollowUp.objects.select_related("customer"), request, pk))


@permission_required(MODULE, "delete")
def followup_delete(request: HttpRequest, pk: int) -> HttpResponse:
    followup = _scoped_or_404(FollowUp.objects.all(), request, pk)
    if request.method == "POST":
        recycle_bin.trash(followup, by=request.user)
        messages.success(request, _("“%(label)s” has been moved to the recycle bin.") % {"label": followup.subject})
        return redirect("activities:followups")
    return render(request, "activities/confirm_delete.html", {
        "label": followup.subject, "cancel": reverse("activities:followups"),
    })


# --- schedules and tasks -------------------------------------------------------------------


@permission_required(MODULE, "view")
def task_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    show = request.GET.get("show", "mine")
    status = request.GET.get("status", "open" if show == "mine" else "")
    kind = request.GET.get("kind", "")
    rows = services.filter_tasks(services.tasks_for(user), user, show, status, kind)
    if q := request.GET.get("q", "").strip():
        rows = rows.filter(Q(title__icontains=q) | Q(customer__name__icontains=q))
    sort = request.GET.get("sort", "starts_at")
    sort = sort if sort in TASK_SORTS else "starts_at"
    page, size = paginate(request, rows.order_by(sort, "id"))
    people = services.assignees_of(page.object_list)
    for task in page.object_list:
        task.people = people.get(task.pk, [])
    return render(request, "activities/task_list.html", {
        "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "sort": sort, "show": show, "status": status, "kind": kind,
        "statuses": Task.Status.choices, "kinds": Task.Kind.choices, "can_add": can(user, MODULE, "create"),
        "q": request.GET.get("q", ""),
        "tabs": [("mine", _("Mine")), ("created", _("Created by me")), ("confirm", _("To confirm")), ("team", _("Team"))],
    })


def _task_form(request: HttpRequest, task: Task | None) -> HttpResponse:
    customer = customer_access.customer_in_query(request) if task is None else None
    initial = {}
    if task is None:
        # A new task starts at the next whole hour (an empty required start was the first thing a
        # new user tripped over); from the calendar's day, at 9:00 that day.
        if day := parse_date(request.GET.get("day", "") or ""):
            start = services.day_start(day) + timedelta(hours=9)
        else:
            start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        initial = {"starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                   "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")}
    if task is None and request.GET.get("kind") in Task.Kind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("opportunity", "").isdigit():
        initial["opportunity"] = request.GET["opportunity"]
    form = TaskForm(request.POST or None, instance=task, user=request.user, customer=customer, initial=initial)
    if request.method == "POST" and form.is_valid():
        people = list(form.cleaned_data.get("assignees") or [])
        try:
            if task is None:
                task = services.create_task(by=request.user, assignees=people, **form.service_fields())
            else:
                services.update_task(task, by=request.user, assignees=people or None, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(title)s” has been saved.") % {"title": task.title})
            return redirect("activities:task", pk=task.pk)
    return render(request, "activities/task_form.html", {
        "form": form, "customer": customer, "task": task,
        "title": _("New schedule or task") if task is None else _("Edit “%(title)s”") % {"title": task.title},
    })


@permission_required(MODULE, "create")
def task_create(request: HttpRequest) -> HttpResponse:
    return _task_form(request, None)


@permission_required(MODULE, "edit")
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _scoped_or_404(Task.objects.all(), request, pk)
    if not services.may_change_task(request.user, task):
        raise PermissionDenied(_("Only the creator of “%(title)s” (or their superiors) may change it.") % {"title": task})
    return _task_form(request, task)


@permission_required(MODULE, "view")
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _scoped_or_404(Task.objects.select_related("customer", "owner", "priority", "schedule_type"), request, pk)
    user = request.user
    assignments = list(task.assignments.select_related("user", "handed_over_to").order_by("id"))
    mine = next((a for a in assignments if a.active and a.user_id == user.pk), None)
    return render(request, "activities/task_detail.html", {
        "task": task, "assignments": assignments, "mine": mine,
        "can_work": mine is not None and task.status == Task.Status.OPEN and can(user, MODULE, "edit"),
        "can_confirm": task.owner_id == user.pk and task.status == Task.Status.DONE,
        "can_edit": can(user, MODULE, "edit") and services.may_change_task(user, task),
        "can_delete": can(user, MODULE, "delete") and services.may_change_task(user, task),
        "handover_form": HandOverForm(user=user) if mine is not None else None,
    })


def _task_action(request: HttpRequest, pk: int, action) -> HttpResponse:
    task = _scoped_or_404(Task.objects.all(), request, pk)
    try:
        action(task)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("activities:task", pk=task.pk)


@require_POST
@permission_required(MODULE, "edit")
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    def act(task):
        services.mark_done(task, by=request.user)
        messages.success(request, _("Marked as done."))
    return _task_action(request, pk, act)


@require_POST
@permission_required(MODULE, "view")
def task_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def act(task):
        services.confirm(task, by=request.user)
        messages.success(request, _("Completion confirmed; the task is closed."))
    return _task_action(request, pk, act)


@require_POST
@permission_required(MODULE, "view")
def task_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    def act(task):
        services.send_back(task, by=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("Sent back to the assignees."))
    return _task_action(request, pk, act)


@require_POST
@permission_required(MODULE, "edit")
def task_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    task = _scoped_or_404(Task.objects.all(), request, pk)
    form = HandOverForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("activities:task", pk=task.pk)
    try:
        services.hand_over(task, by=request.user, to=form.cleaned_data["to"], note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("activities:task", pk=task.pk)
    messages.success(request, _("“%(title)s” has been handed over to %(user)s.") % {
        "title": task.title, "user": form.cleaned_data["to"]})
    return redirect("activities:tasks")


@permission_required(MODULE, "delete")
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _scoped_or_404(Task.objects.all(), request, pk)
    if not services.may_change_task(request.user, task):
        raise PermissionDenied(_("Only the creator of “%(title)s” (or their superiors) may change it.") % {"title": task})
    if request.method == "POST":
        recycle_bin.trash(task, by=request.user)
        messages.success(request, _("“%(label)s” has been moved to the recycle bin.") % {"label": task.title})
        return redirect("activities:tasks")
    return render(request, "activities/confirm_delete.html", {
        "label": task.title, "cancel": reverse("activities:task", args=[task.pk]),
    })


# --- calendar ------------------------------------------------------------------------------


def _calendar_range(view: str, day: date) -> tuple[date, date, date, date]:
    """(first shown, last shown, previous anchor, next anchor) of a month, week or day view."""
    if view == "day":
        return day, day, day - timedelta(days=1), day + timedelta(days=1)
    if view == "week":
        monday, sunday = services.week_of(day)
        return monday, sunday, day - timedelta(days=7), day + timedelta(days=7)
    first, last = services.month_of(day)
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    prev_month = (first - timedelta(days=1)).replace(day=1)
    return start, end, prev_month, last + timedelta(days=1)


@permission_required(MODULE, "view")
def calendar_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    view = request.GET.get("view", "month")
    view = view if view in ("month", "week", "day") else "month"
    today = timezone.localdate()
    day = parse_date(request.GET.get("date", "") or "") or today
    who = request.GET.get("who", "me")
    start, end, prev, nxt = _calendar_range(view, day)
    items = services.calendar_items(user, start, end, who)
    days = []
    d = start
    while d <= end:
        lo = services.day_start(d)
        hi = services.day_start(d + timedelta(days=1))
        days.append({"date": d, "today": d == today, "other_month": view == "month" and d.month != day.month,
                     "items": [i for i in items if i.start < hi and (i.end >= lo if i.end > i.start else i.start >= lo)]})
        d += timedelta(days=1)
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    ids = visible_user_ids(user)
    team = []
    if ids is None or len(ids) > 1:
        from saas_core.accounts.models import User

        team = User.objects.filter(is_active=True).order_by("name", "username")
        if ids is not None:
            team = team.filter(pk__in=sorted(ids))
    return render(request, "activities/calendar.html", {
        "view": view, "day": day, "days": days, "weeks": weeks, "prev": prev, "next": nxt, "who": who,
        "team": team, "hours": range(7, 22), "weekdays": [pycalendar.day_abbr[i] for i in range(7)],
        "can_add": can(user, MODULE, "create"),
        # "Day" alone is also the reports' date column (日期): the calendar's view button is 日.
        "views": [("month", _("Month")), ("week", _("Week")), ("day", pgettext("calendar view", "Day"))],
    })


@permission_required(MODULE, "view")
def today_view(request: HttpRequest) -> HttpResponse:
    return render(request, "activities/today.html", services.today_progress(request.user))


# --- notifications -------------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page, size = paginate(request, services.inbox(request.user))
    return render(request, "activities/notifications.html", {"page": page, "page_size": size})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    services.mark_read(request.user, ids)
    return redirect("activities:notifications")


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(services.inbox(request.user), pk=pk)
    services.mark_read(request.user, [note.pk])
    target = note.url if note.url.startswith("/") else reverse("activities:notifications")
    return redirect(target)


# --- customer care -------------------------------------------------------------------------


@permission_required(MODULE, "view")
def care_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    page, size = paginate(request, care.care_records_for(user))
    birthdays = visible(Contact.objects.filter(birthday__month=today.month).select_related("customer"), user)
    return render(request, "activities/care.html", {
        "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "today": today,
        "can_delete": can(user, MODULE, "delete"),
        "birthdays": sorted(birthdays[:200], key=lambda c: (c.birthday.day, c.name)),
        "holidays": care.holidays_between(today, today + timedelta(days=60)),
        "can_add": can(user, MODULE, "create"),
    })


@permission_required(MODULE, "create")
def care_create(request: HttpRequest) -> HttpResponse:
    customer = customer_access.customer_in_query(request)
    form = CareRecordForm(request.POST or None, user=request.user, customer=customer)
    fallback = reverse("customers:detail", args=[customer.pk]) if customer else reverse("activities:care")
    if request.method == "POST" and form.is_valid():
        try:
            care.save_care_record(None, by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The care record has been saved."))
            return redirect(next_url(request, fallback))
    return render(request, "activities/care_form.html", {"form": form, "customer": customer,
                                                         "next": next_url(request, fallback)})


@permission_required(MODULE, "delete")
def care_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = _scoped_or_404(CareRecord.objects.all(), request, pk)
    if request.method == "POST":
        recycle_bin.trash(record, by=request.user)
        messages.success(request, _("“%(label)s” has been moved to the recycle bin.") % {"label": record.subject})
        return redirect("activities:care")
    return render(request, "activities/confirm_delete.html", {"label": record.subject,
                                                              "cancel": reverse("activities:care")})
