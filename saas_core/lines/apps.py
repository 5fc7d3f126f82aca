from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinesConfig(AppConfig):
    """No tables: the abstract line model, the line editor's template and script."""

    name = "saas_core.lines"
    label = "lines"
    verbose_name = _("Document lines")
