from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "saas_core.activities"
    label = "activities"
    verbose_name = _("Follow-ups, schedules and daily reports")

    def ready(self) -> None:
        from saas_core.activities import menus  # noqa: F401 - menu entries, workbench and 360° panels
