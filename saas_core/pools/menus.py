"""Menu entries, the workbench panel and the customer 360° panel of public pools (registered on start-up)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.org.access import can, menu_visible
from web.menu import MenuEntry, register
from web.workbench import Panel
from web.workbench import register as register_workbench_panel

register(MenuEntry("pools", _("Public pools"), "pools:list", "customers", order=50, visible=menu_visible("customers")))


def _returning_soon(request):
    """Workbench: the user's customers that reclaim rules will return to a pool soon."""
    from saas_core.pools import services

    if not can(request.user, "customers", "view"):
        return None
    warnings = services.current_warnings(owner=request.user)
    shown = list(warnings[:8])
    if not shown:
        return None
    return {"warnings": shown, "total": warnings.count() if len(shown) == 8 else len(shown)}


register_workbench_panel(Panel("pools_returning", "pools/_workbench_panel.html", _returning_soon, order=30))


def _customer_panel(request, customer):
    """Customer 360°: where the customer is in the pool system, with release/claim actions."""
    from saas_core.customers import access as customer_access
    from saas_core.pools import services
    from saas_core.pools.models import PoolEntry

    user = request.user
    if customer.owner_id is None:
        entry = PoolEntry.objects.select_related("pool", "reason", "previous_owner", "released_by").filter(
            customer=customer).first()
        if entry is None:
            return None
        usable = services.may_use(entry.pool, user)
        return {"entry": entry, "may_claim": usable and can(user, "customers", "edit"), "may_open": usable}
    if not customer_access.can_edit(user, customer):
        return None
    here = reverse("customers:detail", args=[customer.pk])
    return {
        "release_url": f"{reverse('pools:release')}?customers={customer.pk}&next={here}",
        "warnings": list(services.current_warnings().filter(customer=customer)[:3]),
    }


def _register_customer_panel() -> None:
    try:
        from saas_core.customers.panels import register_panel
    except ImportError:  # the customer pages are not installed
        return
    register_panel("pool", _("Public pool"), "pools/_customer_panel.html", _customer_panel, order=90, column="side")


_register_customer_panel()
