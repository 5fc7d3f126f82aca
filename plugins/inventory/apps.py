from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "plugins.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        # Register the export, the product 360° panel, the workbench panel and the purchase order's approval type.
        from plugins.inventory import approvals, exporters, panels, workbench  # noqa: F401
