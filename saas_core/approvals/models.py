"""Approval flows (APR-01): the Boss's flow per document type, in versions, and the approvals
running through them.

A flow's design is stored whole in an immutable ``FlowVersion`` (routes with conditions and
their ordered nodes, and the settings); saving a change writes a new version. An ``Approval``
keeps the version it started with and the path it resolved at submission (``plan``: each node's
name, mode and approvers), so editing the flow never changes what a pending approval still has to
go through.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

USER = settings.AUTH_USER_MODEL


class Flow(models.Model):
    """The flow of one document type; ``version`` is its current design."""

    doc_type = models.CharField(_("document type"), max_length=60, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    version = models.ForeignKey("FlowVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("approval flow")
        verbose_name_plural = _("approval flows")

    def __str__(self) -> str:
        return self.doc_type


class FlowVersion(models.Model):
    """One saved design of a flow (never changed once written)."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("flow version")
        verbose_name_plural = _("flow versions")
        constraints = [models.UniqueConstraint(fields=["flow", "number"], name="approval_flow_version_unique")]

    def __str__(self) -> str:
        return f"{self.flow.doc_type} v{self.number}"


class Approval(models.Model):
    """One pass of one document through its flow (a resubmission is a new one)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("approval status", "Pending")
        APPROVED = "approved", pgettext_lazy("approval status", "Approved")
        REJECTED = "rejected", pgettext_lazy("approval status", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("approval status", "Withdrawn")

    doc_type = models.CharField(_("document type"), max_length=60)
    object_id = models.BigIntegerField()
    # Shown in lists and notifications without loading the document.
    label = models.CharField(_("document"), max_length=200)
    url = models.CharField(max_length=300)
    version = models.ForeignKey(FlowVersion, on_delete=models.PROTECT, related_name="approvals")
    route = models.CharField(_("route"), max_length=100, blank=True)
    plan = models.JSONField(default=list)  # [{"name", "mode", "approvers": [ids], "auto": "" | "passed" | "boss"}]
    values = models.JSONField(default=dict)  # the condition fields' values it was submitted with
    node = models.PositiveSmallIntegerField(default=0)  # the current node (index into plan)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    initiator = models.ForeignKey(USER, verbose_name=_("initiator"), on_delete=models.PROTECT, related_name="+")
    rejected_node = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["doc_type", "object_id", "-id"], name="approval_document"),
            models.Index(fields=["initiator", "-started_at"], name="approval_initiator"),
        ]
        constraints = [
            # Two submissions of one document at the same moment: one pending approval.
            models.UniqueConstraint(fields=["doc_type", "object_id"], condition=Q(status="pending"),
                                    name="approval_one_pending_per_document"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def node_name(self, index: int | None = None) -> str:
        index = self.node if index is None else index
        return self.plan[index]["name"] if 0 <= index < len(self.plan) else ""


class Task(models.Model):
    """One approver's part in one node of an approval."""

    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("approval task", "Not yet their turn")
        PENDING = "pending", pgettext_lazy("approval task", "Waiting")
        APPROVED = "approved", pgettext_lazy("approval task", "Approved")
        REJECTED = "rejected", pgettext_lazy("approval task", "Rejected")
        TRANSFERRED = "transferred", pgettext_lazy("approval task", "Transferred")
        CANCELLED = "cancelled", pgettext_lazy("approval task", "No longer needed")

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="tasks")
    node = models.PositiveSmallIntegerField()
    position = models.PositiveIntegerField(default=0)  # order within an in-order (依次) node
    approver = models.ForeignKey(USER, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["node", "position", "id"]
        indexes = [
            # 待我审批: one user's pending tasks, newest first (and their count).
            models.Index(fields=["approver", "-created_at", "-id"], name="approval_task_waiting",
                         condition=Q(status="pending")),
            models.Index(fields=["approval", "node", "position"], name="approval_task_node"),
        ]
        constraints = [
            # One live task per person and node: a double "add signer" or transfer adds nobody twice.
            models.UniqueConstraint(fields=["approval", "node", "approver"],
                                    condition=Q(status__in=["waiting", "pending"]), name="approval_task_one_live"),
        ]

    def __str__(self) -> str:
        return f"{self.approval_id}/{self.node}: {self.approver_id} {self.status}"


class Event(models.Model):
    """One line of an approval's timeline: who did what, when, at which node, with what comment."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("approval action", "Submitted")
        APPROVED = "approved", pgettext_lazy("approval action", "Approved")
        REJECTED = "rejected", pgettext_lazy("approval action", "Rejected")
        TRANSFERRED = "transferred", pgettext_lazy("approval action", "Transferred")
        ADDED_SIGNER = "added_signer", pgettext_lazy("approval action", "Added a signer")
        CC = "cc", pgettext_lazy("approval action", "Copied")
        WITHDRAWN = "withdrawn", pgettext_lazy("approval action", "Withdrawn")
        PASSED = "passed", pgettext_lazy("approval action", "Passed (nobody to approve)")
        TO_BOSS = "to_boss", pgettext_lazy("approval action", "Sent to the Boss (nobody to approve)")
        FINISHED = "finished", pgettext_lazy("approval action", "Approved in full")
        REMINDED = "reminded", pgettext_lazy("approval action", "Reminded the approvers")

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(USER, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    target = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    node = models.SmallIntegerField(null=True, blank=True)
    node_name = models.CharField(_("step"), max_length=100, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["approval", "at", "id"], name="approval_event_timeline")]

    def __str__(self) -> str:
        return f"{self.approval_id}: {self.action}"
