from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotesConfig(AppConfig):
    name = "saas_core.quotes"
    label = "quotes"
    verbose_name = _("Quotes")

    def ready(self) -> None:
        from saas_core.quotes import global_search, menus  # noqa: F401 - permissions, menu, panels, exporter, workbench, search
