from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoolsConfig(AppConfig):
    name = "saas_core.pools"
    label = "pools"
    verbose_name = _("Public pools")

    def ready(self) -> None:
        from saas_core.pools import menus  # noqa: F401 - registers this app's menu entries
