from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SendingConfig(AppConfig):
    name = "saas_core.sending"
    label = "sending"
    verbose_name = _("Sending")

    def ready(self) -> None:
        from saas_core.sending import (
            exporters,  # noqa: F401 - the suppression list's xlsx export
            importers,  # noqa: F401 - the suppression list's import
            menus,  # noqa: F401 - registers the menu entry
            permissions,  # noqa: F401 - the "Suppression list" permission module
        )
