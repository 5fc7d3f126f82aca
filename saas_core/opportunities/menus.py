"""What opportunities register on start-up: permission rows, menu entries, the customer 360° panel,
the workbench panel and the xlsx exporter (the registries sit below; they never import this app)."""

from django.utils.translation import gettext_lazy as _

from saas_core.customers.panels import register_figure, register_panel
from saas_core.org import permissions
from saas_core.org.access import menu_visible, menu_visible_to_boss
from web.menu import MenuEntry, register
from web.workbench import Panel
from web.workbench import register as register_workbench

# Built now (issue 15): the role matrix and the Customer service sections offer them.
permissions.register_planned_module("opportunities")
permissions.register_planned_section("opportunities")

from saas_core.opportunities import exporters, panels  # noqa: E402 - after the section they use is registered

_view = menu_visible("opportunities")
register(MenuEntry("opportunities", _("Opportunities"), "opportunities:list", "opportunities", order=10, visible=_view))
register(MenuEntry("opportunity_kanban", _("Opportunity board"), "opportunities:kanban", "opportunities", order=11,
                   visible=_view))
register(MenuEntry("funnel", _("Sales funnel and forecast"), "opportunities:funnel", "opportunities", order=12,
                   visible=_view))
register(MenuEntry("opportunity_types", _("Opportunity types and stages"), "opportunities:types", "opportunities",
                   order=13, visible=menu_visible_to_boss))
register(MenuEntry("create_opportunity", _("Opportunity"), "opportunities:create", "opportunities", order=60,
                   visible=menu_visible("opportunities", "create"), menus=frozenset({"create"})))

register_panel("opportunities", _("Opportunities"), "opportunities/panels/customer.html", panels.customer_panel,
               order=35, section="opportunities", lazy=True, permission=("opportunities", "view"))
register_figure("open_opportunities", _("Open opportunities"), panels.open_count, order=45, tab="opportunities",
                permission=("opportunities", "view"))
register_workbench(Panel("opportunities", "opportunities/_workbench.html", panels.workbench, order=20))

__all__ = ["exporters"]
