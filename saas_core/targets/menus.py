"""What sales targets register on start-up: the permission module "Sales targets", the menu entry
and the workbench widget (the registries sit below; the measures come from the apps that own them)."""

from django.utils.translation import gettext_lazy as _

from saas_core.org import permissions
from saas_core.org.access import menu_visible
from web.menu import MenuEntry, register
from web.workbench import Panel
from web.workbench import register as register_workbench

SET = (permissions.VIEW, permissions.CREATE, permissions.EDIT)
permissions.register_module("targets", _("Sales targets"), order=78, noun=_("sales targets"), defaults={
    "director": SET, "manager": SET, "director_assistant": SET, "manager_assistant": SET,
    "sales": (permissions.VIEW,),
})

from saas_core.targets import panels  # noqa: E402 - after the module it uses is registered

register(MenuEntry("targets", _("Sales targets"), "targets:grid", "opportunities", order=19, group="sales",
                   visible=menu_visible("targets")))
register_workbench(Panel("sales_targets", "targets/_workbench.html", panels.workbench, order=24))
