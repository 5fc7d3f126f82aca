"""Follow-ups, schedules and tasks, calendar, notifications and customer care: the operations that
web pages, the API and tasks all call (daily reports: activities.reports; delivery: activities.delivery)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from saas_core import request_memo
from saas_core.accounts.models import User
from saas_core.activities.models import Delivery, FollowUp, Notification, Reminder, Task, TaskAssignment
from saas_core.customers import access as customer_access
from saas_core.customers import services as customer_services
from saas_core.customers.models import Contact, Customer
from saas_core.org.access import require
from saas_core.org.scope import can_see, visible, visible_user_ids
from saas_core.wakeups import services as wakeups

MODULE = "activities"
FOLLOWUP_FIELDS = ("customer", "contact", "opportunity", "kind", "result", "subject", "content", "happened_at", "next_on")
TASK_FIELDS = (
    "kind", "title", "description", "schedule_type", "priority", "customer", "opportunity", "starts_at", "ends_at",
    "all_day", "remind_at",
)


def _assign(record, fields: dict, allowed: tuple[str, ...]) -> None:
    for key, value in fields.items():
        if key in allowed:
            setattr(record, key, value)


def day_start(day: date) -> datetime:
    """Midnight of ``day`` in the current time zone (the user's, else the company's)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of ``day``'s week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def _check_customer(by: User, customer: Customer | None, contact: Contact | None = None, opportunity=None) -> None:
    """The customer is one ``by`` sees; the contact and the opportunity (ACT-02) are that customer's."""
    errors = {}
    if customer is not None and not customer_access.can_view(by, customer):
        errors["customer"] = [_("You may not see this customer.")]
    if contact is not None and customer is not None and contact.customer_id != customer.pk:
        errors["contact"] = [_("This contact belongs to another customer.")]
    if opportunity is not None:
        if customer is None or opportunity.customer_id != customer.pk:
            errors["opportunity"] = [_("Choose one of this customer's opportunities.")]
        elif not can_see(by, opportunity):
            errors["opportunity"] = [_("You may not see this opportunity.")]
    if errors:
        raise ValidationError(errors)


def _opportunity_of(record):
    return record.opportunity if record.opportunity_id else None


# --- follow-ups (ACT-01) ---------------------------------------------------------------------


@transaction.atomic
def save_followup(followup: FollowUp | None, *, by: User, **fields) -> FollowUp:
    """Record or change a follow-up; the customer's last contact (public-pool rule) follows it."""
    require(by, MODULE, "create" if followup is None else "edit")
    if followup is not None and not can_see(by, followup):
        raise PermissionDenied(_("This follow-up is not in your data scope."))
    followup = followup or FollowUp(owner=by, created_by=by)
    _assign(followup, fields, FOLLOWUP_FIELDS)
    if followup.happened_at is None:
        followup.happened_at = timezone.now()
    customer = followup.customer if followup.customer_id else None
    if customer is None:
        raise ValidationError({"customer": [_("Choose the customer this follow-up was with.")]})
    _check_customer(by, customer, followup.contact if followup.contact_id else None, _opportunity_of(followup))
    if followup.happened_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"happened_at": [_("A follow-up cannot lie in the future; plan it as a schedule.")]})
    if followup.next_on and followup.next_on < timezone.localtime(followup.happened_at).date():
        raise ValidationError({"next_on": [_("The next follow-up cannot be before this one.")]})
    followup.full_clean(exclude=["owner", "customer", "contact", "opportunity"])
    followup.save()
    next_at = day_start(followup.next_on) if followup.next_on else None
    customer_services.record_contact(customer, at=followup.happened_at, next_at=next_at)
    return followup


WINDOWS = ("followed_today", "followed_week", "followed_month", "due_today", "due_week", "overdue")


def followup_window(queryset: QuerySet, view: str = "", *, today: date | None = None,
                    start: date | None = None, end: date | None = None, field: str = "happened") -> QuerySet:
    """Follow-ups followed today / this week / this month, due today / this week, or a custom
    window (``start``..``end`` inclusive, on the follow-up time or on the next follow-up date)."""
    today = today or timezone.localdate()
    if view == "followed_today":
        start = end = today
    elif view == "followed_week":
        start, end = week_of(today)
    elif view == "followed_month":
        start, end = month_of(today)
    elif view == "due_today":
        return queryset.filter(next_on=today)
    elif view == "due_week":
        return queryset.filter(next_on__range=week_of(today))
    elif view == "overdue":
        return queryset.filter(next_on__lt=today)
    elif field == "next":
        if start:
            queryset = queryset.filter(next_on__gte=start)
        if end:
            queryset = queryset.filter(next_on__lte=end)
        return queryset
    if start:
        queryset = queryset.filter(happened_at__gte=day_start(start))
    if end:
        queryset = queryset.filter(happened_at__lt=day_start(end + timedelta(days=1)))
    return queryset


def followups_for(user: User) -> QuerySet[FollowUp]:
    return visible(FollowUp.objects.select_related("customer", "contact", "kind", "result", "owner"), user)


# --- schedules and tasks (ACT-02) -------------------------------------------------------------


def _active_users(users: Iterable[User]) -> list[User]:
    users = list(dict.fromkeys(users))
    inactive = [u for u in users if not u.is_active]
    if inactive:
        raise ValidationError({"assignees": [_("%(user)s is no longer active.") % {"user": inactive[0]}]})
    return users


def _schedule_reminders(task: Task) -> None:
    """The task's reminders not yet sent are replaced by one per active assignee at ``remind_at``."""
    Reminder.objects.filter(task=task, notified_at__isnull=True).delete()
    if task.remind_at is None or task.deleted_at is not None or task.status in (Task.Status.CONFIRMED, Task.Status.CANCELLED):
        return
    when = f"{timezone.localtime(task.starts_at):%Y-%m-%d %H:%M}"
    rows = []
    for assignment in task.assignments.filter(active=True).select_related("user"):
        with speaking(assignment.user):
            title = _("Reminder: %(title)s at %(time)s") % {"title": task.title, "time": when}
            body = task.description
            if task.customer_id:
                body = _("Customer: %(customer)s") % {"customer": task.customer} + ("\n" + body if body else "")
        rows.append(Reminder(user_id=assignment.user_id, remind_at=task.remind_at, source=Reminder.Source.TASK, task=task,
                             key=f"task:{task.pk}:{task.remind_at.isoformat()}", title=title[:300], body=body,
                             url=task_url(task)))
    add_reminders(rows)


def add_reminders(rows: list[Reminder]) -> int:
    """Store reminders (a key already stored for a user adds nothing) and wake the delivery tick
    for the earliest; returns how many rows were offered."""
    if not rows:
        return 0
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    wakeups.wake_at(connection.schema_name, min(r.remind_at for r in rows))
    return len(rows)


def reminders_after_restore(model, pks) -> None:
    """Tasks back from the recycle bin get their pending reminders again."""
    for task in Task.objects.filter(pk__in=list(pks)):
        _schedule_reminders(task)


def _validate_task(task: Task) -> None:
    errors = {}
    if task.starts_at and task.ends_at and task.ends_at < task.starts_at:
        errors["ends_at"] = [_("The end must not be before the start.")]
    if errors:
        raise ValidationError(errors)
    task.full_clean(exclude=["owner", "customer", "opportunity"])


@transaction.atomic
def create_task(*, by: User, assignees: Iterable[User] = (), **fields) -> Task:
    """A schedule or task; the assignees (default: the creator) do it, the creator confirms it."""
    require(by, MODULE, "create")
    task = Task(owner=by, created_by=by)
    _assign(task, fields, TASK_FIELDS)
    if task.starts_at and not task.ends_at:
        task.ends_at = task.starts_at + timedelta(hours=1)
    if task.ends_at and not task.starts_at:
        task.starts_at = task.ends_at
    _check_customer(by, task.customer if task.customer_id else None, opportunity=_opportunity_of(task))
    people = _active_users(assignees) or [by]
    _validate_task(task)
    task.save()
    TaskAssignment.objects.bulk_create([TaskAssignment(task=task, user=u) for u in people])
    _schedule_reminders(task)
    for user in people:
        if user.pk != by.pk:
            notify(user, gettext_noop("%(by)s assigned you: %(title)s"), {"by": by, "title": task.title}, url=task_url(task))
    return task


def task_url(task: Task) -> str:
    return f"/activities/tasks/{task.pk}/"


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def may_change_task(user: User, task: Task) -> bool:
    """The creator, or whoever's data scope covers the creator, changes a task's details."""
    ids = visible_user_ids(user)
    return ids is None or task.owner_id in ids


@transaction.atomic
def update_task(task: Task, *, by: User, assignees: Iterable[User] | None = None, **fields) -> Task:
    require(by, MODULE, "edit")
    task = _locked(task)
    if not may_change_task(by, task):
        raise PermissionDenied(_("Only the creator of “%(title)s” (or their superiors) may change it.") % {"title": task})
    _assign(task, fields, TASK_FIELDS)
    _check_customer(by, task.customer if task.customer_id else None, opportunity=_opportunity_of(task))
    _validate_task(task)
    task.save()
    if assignees is not None:
        wanted = {u.pk: u for u in _active_users(assignees)}
        if not wanted:
            raise ValidationError({"assignees": [_("Choose at least one assignee.")]})
        current = {a.user_id: a for a in task.assignments.filter(active=True)}
        task.assignments.filter(active=True).exclude(user_id__in=list(wanted)).update(active=False)
        TaskAssignment.objects.bulk_create([TaskAssignment(task=task, user=u) for pk, u in wanted.items() if pk not in current])
    _schedule_reminders(task)
    return task


def _my_assignment(task: Task, user: User) -> TaskAssignment:
    assignment = task.assignments.select_for_update().filter(user=user, active=True).first()
    if assignment is None:
        raise PermissionDenied(_("You are not an assignee of “%(title)s”.") % {"title": task})
    return assignment


@transaction.atomic
def hand_over(task: Task, *, by: User, to: User, note: str = "") -> TaskAssignment:
    """An assignee passes the task on (任务传递): their part ends, ``to`` takes it over."""
    task = _locked(task)
    if task.status != Task.Status.OPEN:
        raise ValidationError({"to": [_("Only open tasks can be handed over.")]})
    mine = _my_assignment(task, by)
    if not to.is_active:
        raise ValidationError({"to": [_("%(user)s is no longer active.") % {"user": to}]})
    if to.pk == by.pk or task.assignments.filter(user=to, active=True).exists():
        raise ValidationError({"to": [_("%(user)s already works on this task.") % {"user": to}]})
    now = timezone.now()
    mine.active, mine.handed_over_to, mine.handed_over_at, mine.note = False, to, now, note[:300]
    mine.save(update_fields=["active", "handed_over_to", "handed_over_at", "note"])
    new = TaskAssignment.objects.create(task=task, user=to, note=note[:300])
    task.save(update_fields=["updated_at"])
    _schedule_reminders(task)
    notify(to, gettext_noop("%(by)s handed “%(title)s” over to you"), {"by": by, "title": task.title},
           body=note, url=task_url(task))
    if task.owner_id not in (by.pk, to.pk):
        notify(task.owner, gettext_noop("%(by)s handed “%(title)s” over to %(to)s"), {"by": by, "title": task.title, "to": to},
               body=note, url=task_url(task))
    return new


@transaction.atomic
def mark_done(task: Task, *, by: User) -> Task:
    """An assignee finished their part; when every assignee has, the creator is asked to confirm."""
    task = _locked(task)
    if task.status != Task.Status.OPEN:
        raise ValidationError(_("“%(title)s” is not open.") % {"title": task})
    mine = _my_assignment(task, by)
    mine.done_at = timezone.now()
    mine.save(update_fields=["done_at"])
    if not task.assignments.filter(active=True, done_at__isnull=True).exists():
        task.status = Task.Status.DONE
        task.save(update_fields=["status", "updated_at"])
        Reminder.objects.filter(task=task, notified_at__isnull=True).delete()
        if task.owner_id != by.pk:
            notify(task.owner, gettext_noop("“%(title)s” is done: please confirm"), {"title": task.title}, url=task_url(task))
    return task


@transaction.atomic
def confirm(task: Task, *, by: User) -> Task:
    """The creator confirms a done task, which closes it."""
    task = _locked(task)
    if task.owner_id != by.pk:
        raise PermissionDenied(_("Only the creator of “%(title)s” confirms it.") % {"title": task})
    if task.status != Task.Status.DONE:
        raise ValidationError(_("“%(title)s” is not done yet.") % {"title": task})
    task.status, task.confirmed_at = Task.Status.CONFIRMED, timezone.now()
    task.save(update_fields=["status", "confirmed_at", "updated_at"])
    return task


@transaction.atomic
def send_back(task: Task, *, by: User, note: str = "") -> Task:
    """The creator does not accept the result: the task is open again for its assignees."""
    task = _locked(task)
    if task.owner_id != by.pk:
        raise PermissionDenied(_("Only the creator of “%(title)s” confirms it.") % {"title": task})
    if task.status != Task.Status.DONE:
        raise ValidationError(_("“%(title)s” is not done yet.") % {"title": task})
    task.status = Task.Status.OPEN
    task.save(update_fields=["status", "updated_at"])
    for assignment in task.assignments.filter(active=True):
        assignment.done_at = None
        assignment.save(update_fields=["done_at"])
        notify(assignment.user, gettext_noop("“%(title)s” was sent back to you"), {"title": task.title}, body=note,
               url=task_url(task))
    return task


def tasks_for(user: User) -> QuerySet[Task]:
    return visible(Task.objects.select_related("customer", "owner", "priority", "schedule_type"), user)


def my_tasks(user: User, queryset: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Created by ``user`` or assigned to them."""
    queryset = queryset if queryset is not None else tasks_for(user)
    assigned = TaskAssignment.objects.filter(user=user, active=True).values("task_id")
    return queryset.filter(Q(owner=user) | Q(pk__in=assigned))


def filter_tasks(queryset: QuerySet[Task], user: User, show: str = "team", status: str = "", kind: str = "") -> QuerySet[Task]:
    """The task list's tabs (mine, created by me, to confirm, team) and filters, for pages and API."""
    if show == "mine":
        queryset = my_tasks(user, queryset)
    elif show == "created":
        queryset = queryset.filter(owner=user)
    elif show == "confirm":
        queryset = queryset.filter(owner=user, status=Task.Status.DONE)
    if status in Task.Status.values:
        queryset = queryset.filter(status=status)
    if kind in Task.Kind.values:
        queryset = queryset.filter(kind=kind)
    return queryset


def assignees_of(tasks: Iterable[Task]) -> dict[int, list[TaskAssignment]]:
    ids = [t.pk for t in tasks]
    out: dict[int, list[TaskAssignment]] = {pk: [] for pk in ids}
    for a in TaskAssignment.objects.filter(task_id__in=ids, active=True).select_related("user"):
        out[a.task_id].append(a)
    return out


# --- calendar (ACT-02) ------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarItem:
    kind: str  # "schedule", "task" or "followup"
    title: str
    start: datetime
    end: datetime
    all_day: bool
    url: str
    people: str
    status: str
    pk: int


def calendar_items(user: User, start: date, end: date, who: str = "me") -> list[CalendarItem]:
    """Schedules, tasks and planned follow-ups between ``start`` and ``end`` (inclusive).

    ``who``: "me" (created by or assigned to me), "team" (everyone in my data scope, to avoid
    clashes) or a user id within the scope.
    """
    lo, hi = day_start(start), day_start(end + timedelta(days=1))
    tasks = tasks_for(user).filter(starts_at__lt=hi, ends_at__gte=lo).exclude(status=Task.Status.CANCELLED)
    followups = followups_for(user).filter(next_on__range=(start, end))
    if who == "me":
        tasks = my_tasks(user, tasks)
        followups = followups.filter(owner=user)
    elif who != "team":
        try:
            person = int(who)
        except ValueError:
            person = user.pk
        ids = visible_user_ids(user)
        if ids is not None and person not in ids:
            person = user.pk
        assigned = TaskAssignment.objects.filter(user_id=person, active=True).values("task_id")
        tasks = tasks.filter(Q(owner_id=person) | Q(pk__in=assigned))
        followups = followups.filter(owner_id=person)
    tasks = list(tasks.order_by("starts_at", "id")[:1000])
    people = assignees_of(tasks)
    items = [
        CalendarItem(t.kind, t.title, t.starts_at, t.ends_at, t.all_day, task_url(t),
                     ", ".join(str(a.user) for a in people[t.pk]), t.status, t.pk)
        for t in tasks
    ]
    for f in followups.order_by("next_on", "id")[:500]:
        at = day_start(f.next_on)
        items.append(CalendarItem("followup", _("Follow up: %(customer)s") % {"customer": f.customer}, at, at, True,
                                  f"/customers/{f.customer_id}/", str(f.owner), "", f.pk))
    return sorted(items, key=lambda i: (i.start, i.kind, i.pk))


def today_progress(user: User, today: date | None = None) -> dict:
    """今日推进: schedules, tasks and follow-ups created or updated today, within the data scope."""
    today = today or timezone.localdate()
    since = day_start(today)
    return {
        "tasks": list(tasks_for(user).filter(Q(created_at__gte=since) | Q(updated_at__gte=since)).order_by("-updated_at")[:100]),
        "followups": list(followups_for(user).filter(Q(created_at__gte=since) | Q(updated_at__gte=since))
                          .order_by("-updated_at")[:100]),
    }


# --- in-app notifications --------------------------------------------------------------------


@contextmanager
def speaking(user: User):
    """Text made for ``user`` (notifications, reminders) in their language, not the sender's."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        yield


def notify(user: User, message: str, params: dict | None = None, *, body: str = "", url: str = "") -> Notification:
    """An immediate in-app message (hand-overs, replies); timed ones come through reminders.
    ``message`` is a msgid (``gettext_noop``), translated into the recipient's language."""
    with speaking(user):
        title = gettext(message) % {k: str(v) for k, v in (params or {}).items()}
    if (memo := request_memo.current()) is not None:
        memo.pop(_unread_key(user), None)
    return Notification.objects.create(user=user, title=title[:300], body=body, url=url, created_at=timezone.now())


def notify_everywhere(user: User, message: str, params: dict | None = None, *, key: str, url: str = "",
                      source: str = Reminder.Source.APPROVAL) -> Notification | None:
    """``notify`` that also goes out by e-mail (and SMS where that module is on) through the
    reminder channels: a reminder already delivered in-app, its notification, and its delivery
    rows, all written in the caller's transaction; the delivery tick, woken for now, sends them
    once that commits (a rollback sends nothing). ``key`` names the occasion: offered again (a
    retry, a replay) for the same user it adds nothing and returns None."""
    from saas_core.activities.delivery import sms_enabled

    now = timezone.now()
    with speaking(user):
        title = gettext(message) % {k: str(v) for k, v in (params or {}).items()}
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            user=user, key=key[:120],
            defaults={"remind_at": now, "source": source, "title": title[:300], "url": url[:300], "notified_at": now})
        if not created:
            return None
        if (memo := request_memo.current()) is not None:
            memo.pop(_unread_key(user), None)
        note = Notification.objects.create(user=user, reminder=reminder, title=title[:300], url=url[:300],
                                           created_at=now)
        channels = [(Delivery.Channel.EMAIL, user.email)]
        if sms_enabled():
            channels.append((Delivery.Channel.SMS, user.mobile))
        rows = [Delivery(reminder=reminder, channel=channel, address=address)
                for channel, address in channels if address and user.is_active]
        Delivery.objects.bulk_create(rows)
        if rows:
            wakeups.wake_at(connection.schema_name, now)
    return note


def inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def _unread_key(user: User) -> tuple:
    return ("activities.unread", connection.schema_name, user.pk)


def unread_count(user: User) -> int:
    """Counted once per request: the top bar's bell and the workbench panel both show it."""
    memo = request_memo.current()
    if memo is not None and (key := _unread_key(user)) in memo:
        return memo[key]
    # Every page's top bar asks: plain SQL (on the partial index notification_unread), not the
    # ORM's count(), whose query building cost more than the query.
    table = connection.ops.quote_name(Notification._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE user_id = %s AND read_at IS NULL", [user.pk])  # noqa: S608
        count = cursor.fetchone()[0]
    if memo is not None:
        memo[key] = count
    return count


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when ``ids`` is None); others' ids are ignored."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if (memo := request_memo.current()) is not None:
        memo.pop(_unread_key(user), None)
    return rows.update(read_at=timezone.now())
