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


def record_panel(request: HttpRequest, obj, standing: services.Standing | None = None) -> dict:
    """The approval block of a document's page: its state, what the viewer may do, and the timeline.
    ``standing``: what the page already read of it (``services.standing``), not asked again."""
    user = request.user
    document_type = services.registry.of_model(obj)
    standing = standing or services.standing(obj)
    state, last = standing.state, standing.latest
    pending = last if last is not None and last.is_pending else None
    my_task = None
    current_tasks = []
    if pending is not None:
        current_tasks = list(Task.objects.filter(approval=pending, node=pending.node,
                                                 status__in=services.LIVE).select_related("approver"))
        my_task = next((t for t in current_tasks if t.approver_id == user.pk and t.status == Task.Status.PENDING),
                       None)
    may_submit = state in (services.REQUIRED, services.REJECTED, services.WITHDRAWN) and services.may_submit(user, obj)
    return {
        "doc_type": document_type, "obj": obj, "state": state, "approval": last, "pending": pending,
        "my_task": my_task, "may_withdraw": pending is not None and pending.initiator_id == user.pk,
        "may_submit": may_submit, "chosen_steps": services.route_chosen_steps(standing.route) if may_submit else [],
        # No approval yet: no events to read.
        "timeline": services.timeline(obj) if last is not None else [], "current_tasks": current_tasks,
        "remaining": pending.plan[pending.node + 1:] if pending is not None else [],
        "form": ActionForm() if my_task is not None or may_submit or pending is not None else None,
        "modes": dict(flows.MODES), "next": request.get_full_path(),
        "statuses": dict(Approval.Status.choices),
    }
