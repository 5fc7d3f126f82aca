from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "saas_core.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from saas_core.contracts import menus  # noqa: F401 - permissions, menu, panels, exporter, conversion
