from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdmConfig(AppConfig):
    name = "plugins.edm"
    label = "edm"
    verbose_name = _("E-mail marketing")
