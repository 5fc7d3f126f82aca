"""What approvals register on start-up: the scope extension (approvers see what they must approve),
the menu entries (待我审批 for everyone, the flow designer for the Boss) and the workbench panel."""

from django.utils.translation import gettext_lazy as _

from saas_core.approvals import panels, services
from saas_core.org.access import menu_visible_to_boss
from saas_core.org.scope import register_extension
from web.menu import MenuEntry, register
from web.workbench import Panel
from web.workbench import register as register_workbench

register_extension(services.approver_object_ids)

register(MenuEntry("approvals", _("Waiting for my approval"), "approvals:list", "workbench", order=5, group="activities"))
register(MenuEntry("approval_flows", _("Approval flows"), "approvals:flows", "account", order=37,
                   visible=menu_visible_to_boss))
register_workbench(Panel("approvals_waiting", "approvals/_workbench.html", panels.workbench, order=3))
