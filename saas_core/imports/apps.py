from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "saas_core.imports"
    label = "imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from saas_core.imports import menus  # noqa: F401 - registers this app's menu entries

        # Every app's importers.py and exporters.py register what it can import and export.
        autodiscover_modules("importers", "exporters")
