"""The approval engine (APR-01): submit, approve, reject, transfer, add a signer, copy, withdraw,
resubmit; and what a document asks of it ("may this change go ahead?").

Every decision locks the approval row (``select_for_update``) and re-reads the deciding
person's task: a double-clicked approve, a replayed API call or two approvers of an any-one (或签)
step deciding at the same moment record one decision; the second is told it was already decided
(``AlreadyDecided``). A document has at most one pending approval (a partial unique constraint),
so two submissions at once start one.

The document's own services call ``guard_edit`` before changing it (nothing changes while
pending) and ``require_approved`` before the step that needs approval (a quote being sent); the
state is derived from facts: the latest approval and the values it was submitted with, so an edit
after approval that changes a field the conditions use needs approval again.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from saas_core.accounts.models import User
from saas_core.approvals import flows, registry
from saas_core.approvals.models import Approval, Event, Flow, Task
from saas_core.org.scope import can_see

NONE, REQUIRED, PENDING, APPROVED, REJECTED, WITHDRAWN = (
    "none", "required", "pending", "approved", "rejected", "withdrawn")
LIVE = (Task.Status.WAITING, Task.Status.PENDING)
BATCH_MAX = 200


class AlreadyDecided(ValidationError):
    """The person's part was already decided (a double click, a replay, another 或签 approver)."""


def _document_type(obj) -> registry.DocumentType:
    document_type = registry.of_model(obj)
    if document_type is None:
        raise LookupError(f"{type(obj).__name__} is not registered with the approval engine")
    return document_type


def _plain(value: Any) -> Any:
    """A condition value as stored in JSON (Decimals as plain strings: 100.00 and 100 compare equal)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def current_values(obj) -> dict:
    return {k: _plain(v) for k, v in _document_type(obj).values(obj).items()}


def latest(obj) -> Approval | None:
    document_type = _document_type(obj)
    return Approval.objects.filter(doc_type=document_type.key, object_id=obj.pk).order_by("-id").first()


# --- what a document asks ---------------------------------------------------------------------------


def _route(document_type: registry.DocumentType, values: Mapping):
    flow, definition = flows.current(document_type.key)
    if flow is None or not flow.enabled or flow.version is None:
        return None, None
    return flow.version, flows.choose_route(document_type, definition, values)


@dataclass(frozen=True)
class Standing:
    """Where a document stands: its state, its latest approval, and the route its current values
    take (worked out only for the states that need it: required, rejected, withdrawn)."""

    state: str
    latest: Approval | None
    route: dict | None = None


def standing(obj) -> Standing:
    """The document's state with what it was read from, so a page asks the database once."""
    values = current_values(obj)
    last = latest(obj)
    if last is not None and last.status == Approval.Status.PENDING:
        return Standing(PENDING, last)
    if last is not None and last.status == Approval.Status.APPROVED and last.values == values:
        return Standing(APPROVED, last)
    _version, route = _route(_document_type(obj), values)
    if route is None:
        return Standing(NONE, last)
    if last is not None and last.values == values and last.status in (Approval.Status.REJECTED,
                                                                        Approval.Status.WITHDRAWN):
        return Standing(last.status, last, route)
    return Standing(REQUIRED, last, route)


def approval_state(obj) -> str:
    """none (no flow applies), required (must be submitted), pending, approved, rejected, withdrawn."""
    return standing(obj).state


def guard_edit(obj) -> None:
    """Raise ValidationError while ``obj`` is waiting for approval (its amounts and lines are locked)."""
    document_type = _document_type(obj)
    if Approval.objects.filter(doc_type=document_type.key, object_id=obj.pk, status=Approval.Status.PENDING).exists():
        raise ValidationError(_("This %(document)s is waiting for approval: withdraw it before changing it.")
                              % {"document": str(document_type.label).lower()})


def require_approved(obj) -> None:
    """Raise ValidationError unless ``obj`` needs no approval or its approval covers its current values."""
    state = approval_state(obj)
    if state in (NONE, APPROVED):
        return
    if state == PENDING:
        raise ValidationError(_("This is still waiting for approval."))
    raise ValidationError(_("This needs approval first: submit it for approval."))


# --- starting -------------------------------------------------------------------------------------------


def _plan(route: Mapping, definition: Mapping, initiator: User, chosen: Mapping[int, list[int]]) -> list[dict]:
    plan = []
    errors: dict[str, list] = {}
    for i, node in enumerate(route["nodes"]):
        if node["approver"] == flows.CHOSEN and not chosen.get(i):
            errors[f"chosen.{i}"] = [_("Choose who approves “%(step)s”.") % {"step": node["name"]}]
            continue
        approvers = flows.resolve(node, initiator, chosen.get(i))
        auto = ""
        if not approvers:
            if definition.get("empty_node") == "boss":
                approvers, auto = flows.bosses(), "boss"
            else:
                auto = "passed"
        plan.append({"name": node["name"], "mode": node["mode"], "approvers": approvers, "auto": auto})
    if errors:
        raise ValidationError(errors)
    return plan


def chosen_steps(obj) -> list[tuple[int, str]]:
    """The steps of ``obj``'s route whose approvers the initiator chooses on submission."""
    _version, route = _route(_document_type(obj), current_values(obj))
    return route_chosen_steps(route)


def route_chosen_steps(route: dict | None) -> list[tuple[int, str]]:
    if route is None:
        return []
    return [(i, n["name"]) for i, n in enumerate(route["nodes"]) if n["approver"] == flows.CHOSEN]


def _event(approval: Approval, action: str, by: User | None, *, node: int | None = None, comment: str = "",
           target: User | None = None) -> Event:
    node = approval.node if node is None else node
    return Event.objects.create(approval=approval, action=action, actor=by, target=target, node=node,
                                node_name=approval.node_name(node), comment=comment)


def _notify(user_ids: Iterable[int], message: str, approval: Approval, *, by: User | None = None) -> None:
    """An in-app message (the bell), the same by e-mail and SMS through the reminder channels, and a
    push to the open tabs (the top bar's count). The occasion is the approval's latest event: the
    same notice offered twice (a retried call) is sent once."""
    from saas_core.activities.services import notify_everywhere
    from saas_core.realtime.services import notify_user

    event_id = Event.objects.filter(approval=approval).order_by("-id").values_list("id", flat=True).first()
    occasion = f"approval:{approval.pk}:{event_id}:{zlib.crc32(message.encode())}"
    for user in User.objects.filter(pk__in=list(dict.fromkeys(user_ids)), is_active=True):
        notify_everywhere(user, message, {"document": approval.label, "by": by or ""}, url=approval.url,
                          key=occasion)
        notify_user(user.pk, {"type": "approvals.changed", "waiting": waiting_count(user, fresh=True)})


def _open_node(approval: Approval, index: int, *, by: User | None) -> None:
    """Make ``index`` the current node: skip nodes that pass by themselves, create the tasks, or finish."""
    while index < len(approval.plan) and approval.plan[index]["auto"] == "passed":
        approval.node = index
        _event(approval, Event.Action.PASSED, None, node=index)
        index += 1
    if index >= len(approval.plan):
        _finish(approval, Approval.Status.APPROVED, by=by)
        return
    approval.node = index
    approval.save(update_fields=["node"])
    step = approval.plan[index]
    if step["auto"] == "boss":
        _event(approval, Event.Action.TO_BOSS, None, node=index)
    approvers = step["approvers"]
    sequential = step["mode"] == flows.SEQUENTIAL
    Task.objects.bulk_create([
        Task(approval=approval, node=index, position=(i + 1) * 10, approver_id=uid,
             status=Task.Status.WAITING if sequential and i else Task.Status.PENDING)
        for i, uid in enumerate(approvers)
    ])
    _notify(approvers[:1] if sequential else approvers, gettext_noop("%(document)s is waiting for your approval"),
            approval)


def _finish(approval: Approval, status: str, *, by: User | None) -> None:
    approval.status = status
    approval.finished_at = timezone.now()
    approval.save(update_fields=["status", "finished_at", "node", "rejected_node"])
    Task.objects.filter(approval=approval, status__in=LIVE).update(status=Task.Status.CANCELLED)
    document_type = registry.get(approval.doc_type)
    obj = document_type.model._base_manager.filter(pk=approval.object_id).first() if document_type else None
    if status == Approval.Status.APPROVED:
        _event(approval, Event.Action.FINISHED, None)
    if obj is not None:
        if document_type.on_unlocked:
            document_type.on_unlocked(obj)
        callback = {Approval.Status.APPROVED: document_type.on_approved,
                    Approval.Status.REJECTED: document_type.on_rejected,
                    Approval.Status.WITHDRAWN: document_type.on_withdrawn}[status]
        if callback:
            callback(obj, by)
    if status != Approval.Status.WITHDRAWN:
        message = {Approval.Status.APPROVED: gettext_noop("%(document)s has been approved"),
                   Approval.Status.REJECTED: gettext_noop("%(document)s has been rejected by %(by)s")}[status]
        copied = Event.objects.filter(approval=approval, action=Event.Action.CC).values_list("target_id", flat=True)
        _notify([approval.initiator_id, *copied], message, approval, by=by)


def may_submit(user: User, obj) -> bool:
    """The document's initiator (its owner), or someone whose role may edit such documents."""
    from saas_core.org.access import can

    document_type = _document_type(obj)
    return document_type.initiator(obj).pk == user.pk or can(user, document_type.module, "edit")


def require_submitter(user: User, obj) -> None:
    if not may_submit(user, obj):
        raise PermissionDenied(_("Only the owner, or someone who may edit it, may submit it for approval."))


def _lock_document(obj):
    locked = type(obj)._base_manager.select_for_update().filter(pk=obj.pk).first()
    if locked is None or getattr(locked, "deleted_at", None) is not None:
        raise ValidationError(_("This document no longer exists (it may have been deleted)."))
    return locked


@transaction.atomic
def submit(obj, *, by: User, chosen: Mapping[int, Iterable[int]] | None = None) -> Approval:
    """Send ``obj`` through its flow: the first route whose conditions hold, resolved now.

    Also the resubmission after a reject or withdrawal: from the first step, or (when the flow
    says so and the document's condition values did not change) from the step that rejected it."""
    document_type = _document_type(obj)
    locked = _lock_document(obj)
    initiator = document_type.initiator(locked)
    if by.pk != initiator.pk and not can_see(by, locked):
        raise PermissionDenied(_("You may not submit this document."))
    values = current_values(locked)
    last = latest(locked)
    if last is not None and last.is_pending:
        raise ValidationError(_("This is already waiting for approval."))
    if last is not None and last.status == Approval.Status.APPROVED and last.values == values:
        raise ValidationError(_("This has already been approved."))
    version, route = _route(document_type, values)
    if route is None:
        raise ValidationError(_("No approval flow applies to this document: it needs no approval."))
    chosen_ids = {int(k): [int(u) for u in v] for k, v in (chosen or {}).items()}
    start, plan, route_name = 0, None, route["name"]
    if (last is not None and last.status == Approval.Status.REJECTED and last.rejected_node is not None
            and last.version.definition.get("resubmit") == "rejected_node"):
        # From the rejecting step: the same path (version and resolved approvers) as before.
        version, plan, start, route_name = last.version, last.plan, last.rejected_node, last.route
    if plan is None:
        plan = _plan(route, version.definition, initiator, chosen_ids)
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                doc_type=document_type.key, object_id=locked.pk, label=document_type.label_of(locked)[:200],
                url=document_type.url(locked)[:300], version=version, route=route_name, plan=plan, values=values,
                initiator=initiator, node=start)
    except IntegrityError as exc:
        raise ValidationError(_("This is already waiting for approval.")) from exc
    _event(approval, Event.Action.SUBMITTED, by, node=start)
    if document_type.on_locked:
        document_type.on_locked(locked)
    _open_node(approval, start, by=by)
    return approval


# --- deciding -------------------------------------------------------------------------------------------


def _locked_approval(approval: Approval) -> Approval:
    return Approval.objects.select_for_update().get(pk=approval.pk)


def _my_task(approval: Approval, by: User) -> Task:
    """``by``'s pending task at the current node, or the reason they may not decide (403 / already decided)."""
    task = Task.objects.filter(approval=approval, node=approval.node, approver=by,
                               status=Task.Status.PENDING).first()
    if task is not None and approval.is_pending:
        return task
    decided = Task.objects.filter(approval=approval, approver=by).exclude(status__in=LIVE).order_by("-id").first()
    if decided is not None or not approval.is_pending:
        if decided is not None and decided.status == Task.Status.TRANSFERRED and approval.is_pending:
            raise PermissionDenied(_("You handed your part of this step to someone else."))
        if decided is not None and decided.status == Task.Status.CANCELLED:
            raise AlreadyDecided(_("This step has already been decided by someone else."))
        if decided is not None:
            raise AlreadyDecided(_("You have already decided on this (%(status)s).")
                                 % {"status": decided.get_status_display()})
        raise AlreadyDecided(_("This approval is no longer pending (%(status)s).")
                             % {"status": approval.get_status_display()})
    if Task.objects.filter(approval=approval, approver=by, status=Task.Status.WAITING).exists():
        raise PermissionDenied(_("It is not your turn yet: the people before you at this step decide first."))
    raise PermissionDenied(_("You are not an approver of this document at its current step (%(step)s).")
                           % {"step": approval.node_name()})


def _node_done(approval: Approval, task: Task, *, by: User) -> None:
    """After ``task`` was approved: next person (依次), wait for the rest (会签), or the next node."""
    step = approval.plan[approval.node]
    live = Task.objects.filter(approval=approval, node=approval.node, status__in=LIVE)
    if step["mode"] == flows.ANY:
        live.update(status=Task.Status.CANCELLED)
    elif step["mode"] == flows.SEQUENTIAL:
        following = live.filter(status=Task.Status.WAITING).order_by("position", "id").first()
        if following is not None:
            Task.objects.filter(pk=following.pk).update(status=Task.Status.PENDING, created_at=timezone.now())
            _notify([following.approver_id], gettext_noop("%(document)s is waiting for your approval"), approval)
            return
    elif live.exists():
        return
    _open_node(approval, approval.node + 1, by=by)


@transaction.atomic
def approve(approval: Approval, *, by: User, comment: str = "") -> Approval:
    approval = _locked_approval(approval)
    task = _my_task(approval, by)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.APPROVED, decided_at=timezone.now())
    _event(approval, Event.Action.APPROVED, by, comment=comment.strip())
    _node_done(approval, task, by=by)
    return approval


@transaction.atomic
def reject(approval: Approval, *, by: User, comment: str) -> Approval:
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("Say why you reject it.")]})
    approval = _locked_approval(approval)
    task = _my_task(approval, by)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.REJECTED, decided_at=timezone.now())
    _event(approval, Event.Action.REJECTED, by, comment=comment.strip())
    approval.rejected_node = approval.node
    _finish(approval, Approval.Status.REJECTED, by=by)
    return approval


def _other_user(raw, field: str) -> User:
    user = raw if isinstance(raw, User) else User.objects.filter(pk=raw).first() if str(raw).isdigit() else None
    if user is None or not user.is_active:
        raise ValidationError({field: [_("Choose an enabled person of the company.")]})
    return user


@transaction.atomic
def transfer(approval: Approval, *, by: User, to, comment: str = "") -> Approval:
    """Hand ``by``'s part of the current step to ``to`` (转交)."""
    to = _other_user(to, "to_user")
    approval = _locked_approval(approval)
    task = _my_task(approval, by)
    if to.pk == by.pk or Task.objects.filter(approval=approval, node=approval.node, approver=to,
                                             status__in=LIVE).exists():
        raise ValidationError({"to_user": [_("%(name)s already approves this step.") % {"name": to}]})
    Task.objects.filter(pk=task.pk).update(status=Task.Status.TRANSFERRED, decided_at=timezone.now())
    Task.objects.create(approval=approval, node=approval.node, position=task.position, approver=to,
                        status=Task.Status.PENDING)
    _event(approval, Event.Action.TRANSFERRED, by, comment=comment.strip(), target=to)
    _notify([to.pk], gettext_noop("%(document)s is waiting for your approval"), approval)
    return approval


@transaction.atomic
def add_signer(approval: Approval, *, by: User, user, comment: str = "") -> Approval:
    """Add ``user`` to the current step (加签): in order, right after ``by``; otherwise alongside."""
    user = _other_user(user, "user")
    approval = _locked_approval(approval)
    task = _my_task(approval, by)
    if Task.objects.filter(approval=approval, node=approval.node, approver=user, status__in=LIVE).exists():
        raise ValidationError({"user": [_("%(name)s already approves this step.") % {"name": user}]})
    sequential = approval.plan[approval.node]["mode"] == flows.SEQUENTIAL
    if sequential:
        Task.objects.filter(approval=approval, node=approval.node, position__gt=task.position) \
            .update(position=F("position") + 10)
    Task.objects.create(approval=approval, node=approval.node, position=task.position + (10 if sequential else 0),
                        approver=user, status=Task.Status.WAITING if sequential else Task.Status.PENDING)
    _event(approval, Event.Action.ADDED_SIGNER, by, comment=comment.strip(), target=user)
    if not sequential:
        _notify([user.pk], gettext_noop("%(document)s is waiting for your approval"), approval)
    return approval


@transaction.atomic
def cc(approval: Approval, *, by: User, users: Iterable, comment: str = "") -> int:
    """Copy the approval to colleagues (抄送): a message each and a line on the timeline."""
    people = [_other_user(u, "users") for u in users]
    if not people:
        raise ValidationError({"users": [_("Choose at least one person.")]})
    approval = _locked_approval(approval)
    if by.pk != approval.initiator_id and not Task.objects.filter(approval=approval, approver=by).exists():
        raise PermissionDenied(_("Only the initiator and the approvers may copy this approval to others."))
    for person in dict.fromkeys(people):
        _event(approval, Event.Action.CC, by, comment=comment.strip(), target=person)
    _notify([p.pk for p in people], gettext_noop("%(by)s copied %(document)s to you"), approval, by=by)
    return len(people)


@transaction.atomic
def withdraw(approval: Approval, *, by: User, comment: str = "") -> Approval:
    approval = _locked_approval(approval)
    if by.pk != approval.initiator_id:
        raise PermissionDenied(_("Only the initiator may withdraw this approval."))
    if not approval.is_pending:
        raise AlreadyDecided(_("This approval is no longer pending (%(status)s).")
                             % {"status": approval.get_status_display()})
    _event(approval, Event.Action.WITHDRAWN, by, comment=comment.strip())
    _finish(approval, Approval.Status.WITHDRAWN, by=by)
    return approval


REMIND_EVERY = timedelta(hours=1)


@transaction.atomic
def remind(approval: Approval, *, by: User) -> int:
    """催办: the initiator nudges the people whose turn it is (at most once an hour); returns how many."""
    approval = _locked_approval(approval)
    if by.pk != approval.initiator_id:
        raise PermissionDenied(_("Only the initiator may send a reminder."))
    if not approval.is_pending:
        raise AlreadyDecided(_("This approval is no longer pending (%(status)s).")
                             % {"status": approval.get_status_display()})
    last = Event.objects.filter(approval=approval, action=Event.Action.REMINDED).order_by("-at").first()
    if last is not None and timezone.now() - last.at < REMIND_EVERY:
        raise ValidationError(_("A reminder was sent at %(time)s; wait an hour before the next.")
                              % {"time": timezone.localtime(last.at).strftime("%H:%M")})
    waiting = list(Task.objects.filter(approval=approval, status=Task.Status.PENDING)
                   .values_list("approver_id", flat=True))
    _event(approval, Event.Action.REMINDED, by)
    _notify(waiting, gettext_noop("Reminder: %(document)s is waiting for your approval"), approval, by=by)
    return len(waiting)


@dataclass(frozen=True)
class BatchResult:
    approved: int
    refused: list[tuple[Approval, str]]


def batch_approve(ids: Iterable[int], *, by: User, comment: str = "") -> BatchResult:
    """Approve each chosen approval ``by`` has a pending part in, each in its own transaction."""
    chosen = list(Approval.objects.filter(pk__in=[int(i) for i in ids][:BATCH_MAX], tasks__approver=by,
                                          tasks__status=Task.Status.PENDING).distinct().order_by("pk"))
    done, refused = 0, []
    for approval in chosen:
        try:
            approve(approval, by=by, comment=comment)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            refused.append((approval, " ".join(getattr(exc, "messages", [str(exc)]))))
    return BatchResult(done, refused)


# --- reading ---------------------------------------------------------------------------------------------


def waiting_for(user: User) -> QuerySet[Task]:
    """待我审批: ``user``'s tasks it is their turn to decide, newest first."""
    # A pending task always belongs to a pending approval (_finish cancels the live ones), so the
    # list and its count read the partial index on (approver, -created_at) alone.
    return (Task.objects.filter(approver=user, status=Task.Status.PENDING)
            .select_related("approval", "approval__initiator").order_by("-created_at", "-id"))


def waiting_count(user: User, *, fresh: bool = False) -> int:
    """Counted once per request (the top bar and the workbench both show it)."""
    from django.db import connection

    from saas_core import request_memo

    memo = None if fresh else request_memo.current()
    key = ("approvals.waiting", connection.schema_name, user.pk)
    if memo is not None and key in memo:
        return memo[key]
    # Every page's top bar asks: plain SQL (on the partial index approval_task_waiting), not the
    # ORM's count(), whose query building cost more than the query.
    table = connection.ops.quote_name(Task._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE approver_id = %s AND status = %s",  # noqa: S608
                       [user.pk, Task.Status.PENDING.value])
        count = cursor.fetchone()[0]
    if memo is not None:
        memo[key] = count
    return count


def submitted_by(user: User) -> QuerySet[Approval]:
    return Approval.objects.filter(initiator=user).order_by("-started_at", "-id")


def approvals_of(obj) -> QuerySet[Approval]:
    document_type = _document_type(obj)
    return Approval.objects.filter(doc_type=document_type.key, object_id=obj.pk).order_by("-id")


def timeline(obj) -> list[Event]:
    """Every approval event of ``obj`` across its submissions, oldest first."""
    document_type = _document_type(obj)
    return list(Event.objects.filter(approval__doc_type=document_type.key, approval__object_id=obj.pk)
                .select_related("actor", "target", "approval").order_by("at", "id"))


def is_involved(user: User, approval: Approval) -> bool:
    """The initiator, anyone who has or had a part, or a person it was copied to."""
    return (approval.initiator_id == user.pk
            or Task.objects.filter(approval=approval, approver=user).exists()
            or Event.objects.filter(approval=approval, action=Event.Action.CC, target=user).exists())


def document_of(approval: Approval):
    """The document an approval is about (None if its type is no longer registered or it was purged)."""
    document_type = registry.get(approval.doc_type)
    if document_type is None:
        return None
    return document_type.model._base_manager.filter(pk=approval.object_id).first()


def approval_for(user: User, pk) -> Approval | None:
    """Approval ``pk`` if ``user`` takes part in it or may see its document; else None (a 404)."""
    approval = Approval.objects.select_related("initiator").filter(pk=pk).first() if str(pk).isdigit() else None
    if approval is None or is_involved(user, approval):
        return approval
    document = document_of(approval)
    return approval if document is not None and can_see(user, document) else None


def involving(user: User) -> QuerySet[Approval]:
    """The approvals ``user`` submitted, has or had a part in, or was copied on."""
    from django.db.models import Q

    return Approval.objects.filter(
        Q(initiator=user) | Q(pk__in=Task.objects.filter(approver=user).values("approval"))
        | Q(pk__in=Event.objects.filter(action=Event.Action.CC, target=user).values("approval"))
    ).order_by("-started_at", "-id")


def approver_object_ids(model, user: User) -> list[int]:
    """The documents of ``model`` ``user`` must approve now (pending or later in an in-order step):
    they see these even outside their data scope, and only while they are an approver."""
    from django.db import connection

    from saas_core import request_memo

    document_type = registry.of_model(model)
    if document_type is None or not getattr(user, "is_authenticated", False):
        return []
    # Asked by every scoped query of a page (a kanban's cards and its column heads): once per request.
    memo = request_memo.current()
    key = ("approvals.approver_objects", connection.schema_name, document_type.key, user.pk)
    if memo is not None and key in memo:
        return memo[key]
    ids = list(Task.objects.filter(approver=user, status__in=LIVE, approval__doc_type=document_type.key,
                                   approval__status=Approval.Status.PENDING)
               .order_by().values_list("approval__object_id", flat=True).distinct()[:1000])
    if memo is not None:
        memo[key] = ids
    return ids


def remaining_path(approval: Approval) -> list[dict]:
    """The steps still to come, as planned at submission (the flow's later edits do not change it)."""
    return approval.plan[approval.node:] if approval.is_pending else []


def flow_enabled(doc_type: str) -> bool:
    return Flow.objects.filter(doc_type=doc_type, enabled=True, version__isnull=False).exists()
