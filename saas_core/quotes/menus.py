"""What quotes register on start-up: the permission module and customer section, menu entries,
the customer 360° panels, the product 360° source, the opportunity page's panel, the workbench
panel and the xlsx exporter (the registries sit below; they never import this app)."""

from django.utils.translation import gettext_lazy as _

from saas_core.customers.panels import register_figure, register_panel
from saas_core.opportunities.detail_panels import register_detail_panel
from saas_core.org import permissions
from saas_core.org.access import menu_visible
from saas_core.products.panels import register_source
from web.menu import MenuEntry, register
from web.workbench import Panel
from web.workbench import register as register_workbench

# Built now (issue 15): the role matrix and the Customer service sections offer them.
permissions.register_planned_module("quotes")
permissions.register_planned_section("quotes")

from saas_core.quotes import approvals, exporters, panels  # noqa: E402 - after the section they use is registered

register(MenuEntry("quotes", _("Quotes"), "quotes:list", "opportunities", order=14, group="sales",
                   visible=menu_visible("quotes")))
register(MenuEntry("create_quote", _("Quote"), "quotes:create", "opportunities", order=61, group="sales",
                   visible=menu_visible("quotes", "create"), menus=frozenset({"create"})))

register_panel("quotes", _("Quotes"), "quotes/panels/customer.html", panels.customer_quotes, order=37,
               section="quotes", tab="quotes", lazy=True, permission=("quotes", "view"))
register_panel("quoted_products", _("Quoted products"), "quotes/panels/customer_products.html",
               panels.quoted_products, order=38, section="quotes", tab="quotes", lazy=True,
               permission=("quotes", "view"))
register_figure("open_quotes", _("Open quotes"), panels.count, order=46, tab="quotes", permission=("quotes", "view"))
register_source("interested", "opportunities", _("Opportunities"), panels.interested_opportunities,
                permission=("opportunities", "view"))
register_source("interested", "quotes", _("Quotes"), panels.interested, permission=("quotes", "view"))
register_detail_panel("quotes", _("Quotes"), "quotes/panels/opportunity.html", panels.opportunity_quotes, order=30,
                      permission=("quotes", "view"))
register_workbench(Panel("quotes_expiring", "quotes/_workbench.html", panels.workbench, order=22))

__all__ = ["approvals", "exporters"]
