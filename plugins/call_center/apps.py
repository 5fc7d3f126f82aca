from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallCenterConfig(AppConfig):
    name = "plugins.call_center"
    label = "call_center"
    verbose_name = _("Call center")

    def ready(self) -> None:
        from plugins.call_center import exporters, workbench  # noqa: F401 - register the export and the panel
