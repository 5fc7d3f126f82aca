from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SystemConfig(AppConfig):
    name = "saas_core.system"
    label = "system"
    verbose_name = _("System settings")

    def ready(self) -> None:
        from saas_core.system import menus  # noqa: F401 - registers the menu entry
