from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "saas_core.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self) -> None:
        from saas_core.opportunities import menus  # noqa: F401 - permissions, menu, panels, exporter, workbench
