"""What contracts register on start-up: the permission module "Contracts and orders" and its
customer section, menu entries, the customer 360° panel and figure, the quote → contract
conversion and the xlsx exporter (the registries sit below; they never import this app)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.attachments.parents import register_parent
from saas_core.customers.panels import register_figure, register_panel
from saas_core.org import permissions
from saas_core.org.access import can, menu_visible, menu_visible_to_boss
from saas_core.org.scope import can_see, visible
from saas_core.quotes.conversions import register_conversion
from web.menu import MenuEntry, register

permissions.register_planned_module("contracts")
permissions.register_planned_section("contracts")

from saas_core.contracts import approvals, exporters, panels, services, targets  # noqa: E402 - after the section they use is registered
from saas_core.contracts.models import Contract  # noqa: E402

register(MenuEntry("contracts", _("Contracts"), "contracts:list", "opportunities", order=15, group="sales",
                   visible=menu_visible("contracts")))
register(MenuEntry("contract_numbering", _("Document numbers"), "contracts:numbering", "opportunities", order=19,
                   group="sales", visible=menu_visible_to_boss))
register(MenuEntry("create_contract", _("Contract"), "contracts:create", "opportunities", order=62, group="sales",
                   visible=menu_visible("contracts", "create"), menus=frozenset({"create"})))

register_panel("contracts", _("Contracts"), "contracts/panels/customer.html", panels.customer_contracts, order=39,
               section="contracts", tab="contracts", lazy=True, permission=("contracts", "view"))
register_figure("running_contracts", _("Contracts in progress"), panels.count, order=47, tab="contracts",
                permission=("contracts", "view"))
register_parent(Contract, key="contract", can_view=lambda user, c: can(user, "contracts", "view") and can_see(user, c),
                can_edit=lambda user, c: can(user, "contracts", "edit") and can_see(user, c),
                url=lambda c: reverse("contracts:detail", args=[c.pk]), visible=lambda queryset, user: visible(queryset, user))
register_conversion("contract", _("Convert to contract"), convert=services.from_quote, permission=("contracts", "create"),
                    made_from=lambda user, quote: list(services.contracts_for(user).filter(quote=quote).order_by("-id")[:20]))

__all__ = ["approvals", "exporters", "targets"]
