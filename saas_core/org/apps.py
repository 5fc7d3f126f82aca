from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "saas_core.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from saas_core.org import menus  # noqa: F401 - registers this app's menu entries
