"""What orders register on start-up: menu entries, the customer 360° panel and figure, the
quote → order conversion, the workbench's orders to ship and the xlsx exporter. The permission
module is "contracts" (contracts and orders), registered by the contracts app."""

from django.utils.translation import gettext_lazy as _

from saas_core.contracts import menus as _contracts  # noqa: F401 - the permission module and section first
from saas_core.customers.panels import register_figure, register_panel
from saas_core.orders import approvals, exporters, panels, services  # noqa: E402 - after the module they use is registered
from saas_core.org.access import menu_visible
from saas_core.quotes.conversions import register_conversion
from web.menu import MenuEntry, register
from web.workbench import Panel
from web.workbench import register as register_workbench

register(MenuEntry("orders", _("Orders"), "orders:list", "opportunities", order=16, group="sales",
                   visible=menu_visible("contracts")))
register(MenuEntry("create_order", _("Order"), "orders:create", "opportunities", order=63, group="sales",
                   visible=menu_visible("contracts", "create"), menus=frozenset({"create"})))

register_panel("orders", _("Orders"), "orders/panels/customer.html", panels.customer_orders, order=40,
               section="contracts", tab="orders", lazy=True, permission=("contracts", "view"))
register_figure("open_orders", _("Orders to ship"), panels.count, order=48, tab="orders",
                permission=("contracts", "view"))
register_conversion("order", _("Convert to order"), convert=services.from_quote, permission=("contracts", "create"),
                    made_from=lambda user, quote: list(services.orders_for(user).filter(quote=quote).order_by("-id")[:20]))
register_workbench(Panel("orders_to_ship", "orders/_workbench.html", panels.workbench, order=23))

__all__ = ["approvals", "exporters"]
