"""The customer 360° view's follow-up, schedule and care panels (section "followups")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saas_core.customers.access import register_link
from saas_core.customers.panels import register_figure, register_panel


def _followups(request, customer) -> dict | None:
    from saas_core.activities import services
    from saas_core.activities.forms import FollowUpForm
    from saas_core.customers import access
    from saas_core.org.access import can

    user = request.user
    if not can(user, "activities", "view"):
        return None
    may_add = can(user, "activities", "create") and access.can_view(user, customer)
    form = getattr(request, "customer_forms", {}).get("followup")
    if form is None and may_add:
        form = FollowUpForm(user=user, customer=customer)
    return {
        "followups": list(services.followups_for(user).filter(customer=customer)[:10]),
        "followup_form": form,
    }


def _tasks(request, customer) -> dict | None:
    from saas_core.activities import services
    from saas_core.org.access import can

    if not can(request.user, "activities", "view"):
        return None
    tasks = list(services.tasks_for(request.user).filter(customer=customer).order_by("-starts_at")[:10])
    return {"tasks": tasks, "can_add": can(request.user, "activities", "create")}


def _care(request, customer) -> dict | None:
    from saas_core.activities import care
    from saas_core.org.access import can

    if not can(request.user, "activities", "view"):
        return None
    return {"records": list(care.care_records_for(request.user).filter(customer=customer)[:10]),
            "can_add": can(request.user, "activities", "create")}


def _open_tasks(request, customer) -> int:
    from saas_core.activities import services
    from saas_core.activities.models import Task

    return services.tasks_for(request.user).filter(customer=customer, status=Task.Status.OPEN).count()


def _task_link(user, customer) -> bool:
    """A task on the customer created by or assigned to ``user`` (now or before a hand-over)."""
    from django.db.models import Q

    from saas_core.activities.models import Task

    return Task.objects.filter(customer=customer).filter(Q(owner=user) | Q(assignments__user=user)).exists()


# Loaded when their tab opens (lazy): a long-served customer has hundreds of follow-ups and tasks.
VIEW = ("activities", "view")
register_panel("followups", _("Follow-ups"), "activities/panels/followups.html", _followups, order=30,
               section="followups", tab="followups", lazy=True, permission=VIEW)
register_panel("tasks", _("Schedules and tasks"), "activities/panels/tasks.html", _tasks, order=40,
               section="followups", tab="tasks", lazy=True, permission=VIEW)
register_panel("care", _("Customer care"), "activities/panels/care.html", _care, order=30, section="followups",
               column="side", tab="followups", lazy=True, permission=VIEW)
register_figure("open_tasks", _("Open tasks"), _open_tasks, order=40, tab="tasks", permission=VIEW)
register_link(_task_link)
