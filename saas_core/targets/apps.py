from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "saas_core.targets"
    label = "targets"
    verbose_name = _("Sales targets")

    def ready(self) -> None:
        from saas_core.targets import menus  # noqa: F401 - permissions, menu, workbench widget
