from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "saas_core.products"
    label = "products"
    verbose_name = _("Products")

    def ready(self) -> None:
        from saas_core.products import (
            builtin_panels,  # noqa: F401 - registers the 360° panels
            images,  # noqa: F401 - products take attachments
            menus,  # noqa: F401 - registers menu entries
        )
