from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    name = "saas_core.expenses"
    label = "expenses"
    verbose_name = _("Expenses")

    def ready(self) -> None:
        from saas_core.expenses import menus  # noqa: F401 - permissions, menu, panel, exporter, approvals
