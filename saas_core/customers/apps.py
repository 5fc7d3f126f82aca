from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "saas_core.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from saas_core.customers import (
            builtin_panels,  # noqa: F401 - registers the built-in 360° panels
            menus,  # noqa: F401 - registers menu entries
            targets,  # noqa: F401 - the "new customers" sales-target measure
        )
