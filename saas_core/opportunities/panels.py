"""The Opportunities panel of the customer 360°, the workbench's "my open opportunities", and the
opportunity page's follow-up and task panels (ACT-02)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saas_core.opportunities.detail_panels import register_detail_panel

WORKBENCH_ROWS = 8


def customer_panel(request, customer) -> dict | None:
    from saas_core.customers import access
    from saas_core.opportunities import services
    from saas_core.org.access import can

    user = request.user
    rows = list(services.stage_since(services.customer_opportunities(user, customer)).order_by("-created_at")[:20])
    for row in rows:
        row.days_in_stage = services.days_in_stage(row)
    return {"opportunities": rows,
            "can_add": can(user, "opportunities", "create") and access.can_view(user, customer)}


def open_count(request, customer) -> int:
    from saas_core.opportunities import services
    from saas_core.opportunities.models import Stage

    return services.customer_opportunities(request.user, customer).filter(stage__outcome=Stage.Outcome.OPEN).count()


def workbench(request) -> dict | None:
    """My open opportunities, those expected to sign soonest first."""
    from django.db.models import F

    from saas_core.opportunities import services
    from saas_core.opportunities.models import Stage
    from saas_core.org.access import can

    user = request.user
    if not can(user, "opportunities", "view"):
        return None
    mine = services.opportunities_for(user).filter(owner=user, stage__outcome=Stage.Outcome.OPEN)
    rows = list(mine.select_related("customer", "stage").order_by(F("expected_sign_on").asc(nulls_last=True), "-id")
                [:WORKBENCH_ROWS])
    return {"opportunities": rows, "more": len(rows) == WORKBENCH_ROWS}


def _followups(request, opportunity) -> dict | None:
    from saas_core.activities import services
    from saas_core.org.access import can

    if not can(request.user, "activities", "view"):
        return None
    return {"followups": list(services.followups_for(request.user).filter(opportunity=opportunity)[:20]),
            "can_add": can(request.user, "activities", "create")}


def _tasks(request, opportunity) -> dict | None:
    from saas_core.activities import services
    from saas_core.org.access import can

    if not can(request.user, "activities", "view"):
        return None
    return {"tasks": list(services.tasks_for(request.user).filter(opportunity=opportunity).order_by("-starts_at")[:20]),
            "can_add": can(request.user, "activities", "create")}


register_detail_panel("followups", _("Follow-ups"), "opportunities/panels/followups.html", _followups, order=10,
                      permission=("activities", "view"))
register_detail_panel("tasks", _("Schedules and tasks"), "opportunities/panels/tasks.html", _tasks, order=20,
                      permission=("activities", "view"))
