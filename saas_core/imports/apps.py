from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "saas_core.imports"
    label = "imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from saas_core.imports import menus  # noqa: F401 - registers this app's menu entries
