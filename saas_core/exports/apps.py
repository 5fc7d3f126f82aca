from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "saas_core.exports"
    label = "exports"
    verbose_name = _("Company export")

    def ready(self) -> None:
        from saas_core.exports import menus  # noqa: F401 - registers this app's menu entry
