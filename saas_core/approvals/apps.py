from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "saas_core.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from saas_core.approvals import menus  # noqa: F401 - menu entries, workbench panel, scope extension
