from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WakeupsConfig(AppConfig):
    name = "saas_core.wakeups"
    label = "wakeups"
    verbose_name = _("Tenant wake-ups")
