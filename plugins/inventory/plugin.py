"""The inventory module's hook implementations (registered through the ``crm.modules`` entry point).

Nothing here imports Django models at import time: the settings read ``crm_django_apps``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plugins.hookspecs import hookimpl, package_hooks

KEY = "inventory"

# No Celery tasks yet: the fourth hook (crm_celery_task_modules) is left out.
crm_django_apps, crm_urlpatterns, crm_api_urlpatterns = package_hooks("plugins.inventory")[:3]


@hookimpl
def crm_module_info() -> dict:
    return {
        "key": KEY,
        "name": _("Inventory"),
        "description": _(
            "Warehouses and their keepers, stock per warehouse at moving-average cost, stock-in and "
            "stock-out documents confirmed by the keeper, transfers, the stock ledger, and stock-outs "
            "made from confirmed orders."
        ),
        "order": 60,
    }


@hookimpl
def crm_permission_modules() -> list[dict]:
    everything = ["view", "create", "edit", "delete", "import", "export"]
    no_delete = ["view", "create", "edit", "import", "export"]
    return [{
        "key": KEY, "label": _("Inventory"), "noun": _("inventory"), "order": 110,
        "defaults": {"director": everything, "director_assistant": no_delete, "manager": ["view"],
                     "manager_assistant": ["view"], "warehouse_keeper": no_delete, "purchaser": ["view"]},
    }, {
        "key": "purchasing", "label": _("Purchasing"), "noun": _("purchasing"), "order": 105,
        "defaults": {"director": everything, "director_assistant": no_delete, "manager": ["view"],
                     "manager_assistant": ["view"], "purchaser": no_delete},
    }]


@hookimpl
def crm_menu_entries() -> list[dict]:
    view = (KEY, "view")
    return [
        {"key": "inventory_stock", "label": _("Stock"), "url_name": "inventory:stock", "group": "modules",
         "order": 20, "permission": view},
        {"key": "inventory_documents", "label": _("Stock documents"), "url_name": "inventory:documents",
         "group": "modules", "order": 21, "permission": view},
        {"key": "inventory_ledger", "label": _("Stock ledger"), "url_name": "inventory:ledger", "group": "modules",
         "order": 22, "permission": view},
        {"key": "inventory_assets", "label": _("Stock assets"), "url_name": "inventory:assets", "group": "modules",
         "order": 24, "permission": view},
        {"key": "inventory_purchases", "label": _("Purchase orders"), "url_name": "inventory:purchases",
         "group": "modules", "order": 25, "permission": ("purchasing", "view")},
        {"key": "inventory_suppliers", "label": _("Suppliers"), "url_name": "inventory:suppliers", "group": "modules",
         "order": 26, "permission": ("purchasing", "view")},
        {"key": "inventory_purchase_summary", "label": _("Purchase summary"), "url_name": "inventory:purchase_summary",
         "group": "modules", "order": 27, "permission": ("purchasing", "view")},
        {"key": "inventory_warehouses", "label": _("Warehouses"), "url_name": "inventory:warehouses",
         "group": "modules", "order": 23, "permission": view},
    ]


@hookimpl
def crm_order_confirmed(order, user) -> None:
    from plugins.inventory.services import draft_order_stock_outs

    draft_order_stock_outs(order, by=user)


@hookimpl
def crm_demo_data(user) -> None:
    from plugins.inventory.demo import make_demo_inventory

    make_demo_inventory(user)
