"""A salesperson's daily work: follow-ups (ACT-01), schedules and tasks (ACT-02), reminders and
their delivery, daily reports (ACT-03) and customer care (CUS-10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.dictionaries.fields import DictionaryForeignKey
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

USER = settings.AUTH_USER_MODEL

# --- follow-ups (跟进记录) -------------------------------------------------------------------


@business_record(module="activities", owner_field="owner", label_field="subject")
class FollowUp(BusinessRecord):
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="followups",
    )
    contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="followups",
    )
    # ACT-02: the deal it was about (one of the customer's opportunities; services check that).
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="followups",
    )
    kind = DictionaryForeignKey("activity_type", _("follow-up type"))
    result = DictionaryForeignKey("follow_up_result", _("result"))
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    happened_at = models.DateTimeField(_("time"))
    next_on = models.DateField(_("next follow-up"), null=True, blank=True)
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-happened_at"], name="followup_owner_time",
                         condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["-happened_at"], name="followup_time", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["next_on"], name="followup_next_on",
                         condition=Q(deleted_at__isnull=True, next_on__isnull=False)),
            models.Index(fields=["customer", "-happened_at"], name="followup_customer"),
        ]

    def __str__(self) -> str:
        return self.subject


# --- schedules and tasks (日程 / 待办任务) -----------------------------------------------------


def assigned_to(user) -> Q:
    """Tasks a user works on are theirs to see, whoever created them, and so their superiors'
    (a manager sees what their team is assigned, to avoid clashes, ACT-02)."""
    from saas_core.org.scope import visible_user_ids

    ids = visible_user_ids(user)
    people = sorted(ids) if ids is not None else [user.pk]  # None: the scope shows every task anyway
    return Q(assignments__user_id__in=people, assignments__active=True)


def _task_after_restore(model, pks) -> None:
    from saas_core.activities.services import reminders_after_restore

    reminders_after_restore(model, pks)


@business_record(module="activities", owner_field="owner", label_field="title", shared=assigned_to,
                 after_restore=_task_after_restore)
class Task(BusinessRecord):
    class Kind(models.TextChoices):
        SCHEDULE = "schedule", pgettext_lazy("task kind", "Schedule")  # 日程, not the menu's 日程行动
        TASK = "task", _("Task")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done, awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(pgettext_lazy("task", "kind"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    schedule_type = DictionaryForeignKey("schedule_type", _("schedule type"))
    priority = DictionaryForeignKey("task_priority", _("priority"))
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="tasks",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="tasks",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends / due"))
    all_day = models.BooleanField(_("all day"), default=False)
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The creator is responsible (confirms completion); assignees are in TaskAssignment.
    owner = models.ForeignKey(USER, verbose_name=_("creator"), on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule or task")
        verbose_name_plural = _("schedules and tasks")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["starts_at"], name="task_starts", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["owner", "starts_at"], name="task_owner_starts", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["updated_at"], name="task_updated"),
        ]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="task_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class TaskAssignment(models.Model):
    """One person working on a task; a hand-over ends it (active=False) and starts the next one's."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(USER, verbose_name=_("assignee"), on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    handed_over_to = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handed_over_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "user"], condition=Q(active=True), name="one_active_assignment"),
        ]
        indexes = [models.Index(fields=["user", "active"], name="assignment_user")]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.user_id}"


# --- reminders, their delivery, in-app notifications ---------------------------------------


class Reminder(models.Model):
    """Something to tell one user at one time: in-app, by e-mail, by SMS once that module is on.

    ``notified_at`` is set in the same transaction that writes the in-app notification, so the
    in-app channel happens exactly once; external channels have a Delivery row each.
    """

    class Source(models.TextChoices):
        TASK = "task", _("Schedule or task")
        BIRTHDAY = "birthday", _("Birthday")
        HOLIDAY = "holiday", _("Holiday")
        FOLLOWUP = "followup", _("Follow-up due")
        CONTRACT = "contract", _("Contract renewal")
        APPROVAL = "approval", _("Approval")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    remind_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    # A stable key per source (e.g. "birthday:<contact>:<date>"), so a generator run twice adds nothing.
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "user"], name="one_reminder_per_key_and_user")]
        indexes = [
            models.Index(fields=["remind_at"], name="reminder_due", condition=Q(notified_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One external message of a reminder (e-mail; SMS later): claimed with a lease, sent, marked."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    address = models.CharField(max_length=254)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reminder", "channel"], name="one_delivery_per_channel")]
        indexes = [models.Index(fields=["state", "lease_until"], name="delivery_open",
                                condition=Q(state__in=["pending", "sending"]))]

    def __str__(self) -> str:
        return f"{self.channel} {self.address}: {self.state}"


class Notification(models.Model):
    """An in-app message in the user's inbox (the bell)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reminder = models.OneToOneField(Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="notification")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_inbox"),
                   models.Index(fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True))]

    def __str__(self) -> str:
        return self.title


# --- daily reports (工作日报) ---------------------------------------------------------------


@business_record(module="activities", owner_field="author", label_field="day")
class DailyReport(BusinessRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    activity = models.JSONField(_("CRM activity"), default=dict, blank=True)
    summary = models.TextField(_("summary of the day"), blank=True)
    plan = models.TextField(_("plan for tomorrow"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("submitted automatically"), default=False)
    last_reply_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day", "author_id"]
        constraints = [models.UniqueConstraint(fields=["author", "day"], condition=Q(deleted_at__isnull=True),
                                               name="one_report_per_author_and_day")]
        indexes = [models.Index(fields=["status", "day"], name="report_drafts", condition=Q(status="draft"))]

    def __str__(self) -> str:
        return f"{self.author} {self.day}"


class ReportReply(models.Model):
    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("reply"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class ReportSeen(models.Model):
    """When a user last opened a report: newer submissions and replies show as unread."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="seen")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="one_seen_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.report_id}"


# --- customer care (客户关怀) ----------------------------------------------------------------


@business_record(module="activities", owner_field="customer__owner", label_field="subject")
class CareRecord(BusinessRecord):
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="care_records",
    )
    contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="care_records",
    )
    kind = DictionaryForeignKey("care_type", _("care type"))
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    day = models.DateField(_("date"))
    by = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("care record")
        verbose_name_plural = _("care records")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return self.subject


class CareRun(models.Model):
    """The care reminders of one company day were generated (unique: a second run adds nothing)."""

    day = models.DateField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.day)
