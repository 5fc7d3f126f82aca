"""What the workbench and a document's page show of approvals."""

from __future__ import annotations

from django.http import HttpRequest

from saas_core.approvals import flows, services
from saas_core.approvals.forms import ActionForm
from saas_core.approvals.models import Approval, Task

WORKBENCH_ROWS = 5


def workbench(request: HttpRequest) -> dict:
    user = request.user
    return {"count": services.waiting_count(user), "rows": list(services.waiting_for(user)[:WORKBENCH_ROWS])}


def record_panel(request: HttpRequest, obj) -> dict:
    """The approval block of a document's page: its state, what the viewer may do, and the timeline."""
    user = request.user
    document_type = services.registry.of_model(obj)
    state = services.approval_state(obj)
    last = services.latest(obj)
    pending = last if last is not None and last.is_pending else None
    my_task = None
    if pending is not None:
        my_task = Task.objects.filter(approval=pending, node=pending.node, approver=user,
                                      status=Task.Status.PENDING).first()
    may_submit = state in (services.REQUIRED, services.REJECTED, services.WITHDRAWN) and services.may_submit(user, obj)
    current_tasks = []
    if pending is not None:
        current_tasks = list(Task.objects.filter(approval=pending, node=pending.node,
                                                 status__in=services.LIVE).select_related("approver"))
    return {
        "doc_type": document_type, "obj": obj, "state": state, "approval": last, "pending": pending,
        "my_task": my_task, "may_withdraw": pending is not None and pending.initiator_id == user.pk,
        "may_submit": may_submit, "chosen_steps": services.chosen_steps(obj) if may_submit else [],
        "timeline": services.timeline(obj), "current_tasks": current_tasks,
        "remaining": pending.plan[pending.node + 1:] if pending is not None else [],
        "form": ActionForm() if my_task is not None or may_submit or pending is not None else None,
        "modes": dict(flows.MODES), "next": request.get_full_path(),
        "statuses": dict(Approval.Status.choices),
    }
