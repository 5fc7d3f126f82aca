from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DictionariesConfig(AppConfig):
    name = "saas_core.dictionaries"
    label = "dictionaries"
    verbose_name = _("Data dictionaries")

    def ready(self) -> None:
        from saas_core.dictionaries import menus  # noqa: F401 - registers this app's menu entries
