from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "saas_core.payments"
    label = "payments"
    verbose_name = _("Payments and invoices")

    def ready(self) -> None:
        from saas_core.payments import (  # noqa: F401
            menus,  # permissions, menus, panels, approvals, exporters
            targets,  # the "payment amount" sales-target measure
        )
