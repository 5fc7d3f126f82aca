from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "saas_core.payments"
    label = "payments"
    verbose_name = _("Payments and invoices")

    def ready(self) -> None:
        from saas_core.payments import menus  # noqa: F401 - permissions, menus, panels, approvals, exporters
