"""Menu entries, workbench panels and customer 360° panels of activities (registered on start-up)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.activities import panels  # noqa: F401 - registers the 360° panels
from saas_core.org.access import can, menu_visible
from web.menu import MenuEntry, register
from web.workbench import Panel
from web.workbench import register as register_workbench

_view = menu_visible("activities")
register(MenuEntry("followups", _("Follow-ups"), "activities:followups", "schedule", order=10, visible=_view))
register(MenuEntry("tasks", _("Schedules and tasks"), "activities:tasks", "schedule", order=20, visible=_view))
register(MenuEntry("calendar", _("Calendar"), "activities:calendar", "schedule", order=30, visible=_view))
register(MenuEntry("today", _("Today's progress"), "activities:today", "schedule", order=40, visible=_view))
register(MenuEntry("daily_reports", _("Daily reports"), "activities:reports", "schedule", order=50, visible=_view))
register(MenuEntry("care", _("Customer care"), "activities:care", "customers", order=60, visible=_view,
                   group="activities"))
register(MenuEntry("notifications", _("Notifications"), "activities:notifications", "account", order=5, group="me"))

_create = menu_visible("activities", "create")
_quick = frozenset({"create"})
register(MenuEntry("create_followup", _("Follow-up"), "activities:followup_create", "schedule", order=30,
                   visible=_create, menus=_quick))
register(MenuEntry("create_task", _("Task"), "activities:task_create", "schedule", order=40,
                   visible=_create, menus=_quick, query="kind=task"))
register(MenuEntry("create_schedule", pgettext_lazy("task kind", "Schedule"), "activities:task_create", "schedule",
                   order=50, visible=_create, menus=_quick, query="kind=schedule"))


def _workbench(request):
    from saas_core.activities import reports, services

    user = request.user
    data = {"unread_notifications": list(services.inbox(user).filter(read_at__isnull=True)[:5]),
            "unread_count": services.unread_count(user)}
    if can(user, "activities", "view"):
        data["due_today"] = services.followup_window(services.followups_for(user).filter(owner=user), "due_today").count()
        data["unread_reports"] = reports.unread_count(user)
    return data


register_workbench(Panel("activities", "activities/_workbench.html", _workbench, order=5))


def _first_steps(request):
    from saas_core.activities.getting_started import first_steps

    return first_steps(request)


register_workbench(Panel("first_steps", "activities/_first_steps.html", _first_steps, order=1))
