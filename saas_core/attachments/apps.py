from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "saas_core.attachments"
    label = "attachments"
    verbose_name = _("Attachments")

    def ready(self) -> None:
        # The permission module and customer section, then attachments on customers (360° panel).
        from saas_core.attachments import customers  # noqa: F401
