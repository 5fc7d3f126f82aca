from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "plugins.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from plugins.inventory import exporters, panels  # noqa: F401 - register the export and the 360° panel
