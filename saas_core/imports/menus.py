"""Menu entries (registered on start-up): imports under Customers and under Tools."""

from django.utils.translation import gettext_lazy as _

from saas_core.org.access import can
from web.menu import MenuEntry, register


def _may_import(request) -> bool:
    user = getattr(request, "user", None)
    return can(user, "customers", "import") or can(user, "contacts", "import")


register(MenuEntry("imports", _("Import customers"), "imports:list", "customers", order=80, visible=_may_import))
