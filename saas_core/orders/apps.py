from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "saas_core.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from saas_core.orders import menus  # noqa: F401 - menu, panels, exporter, conversions
