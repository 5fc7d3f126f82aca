from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "saas_core.announcements"
    label = "announcements"
    verbose_name = _("Announcements")

    def ready(self) -> None:
        from saas_core.announcements import menus  # noqa: F401 - registers this app's menu entries
