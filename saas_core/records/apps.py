from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "saas_core.records"
    label = "records"
    verbose_name = _("Records")

    def ready(self) -> None:
        from saas_core.records import menus  # noqa: F401 - registers this app's menu entries
