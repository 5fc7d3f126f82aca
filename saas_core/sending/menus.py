"""The suppression list's menu entry (the Customers group: it is about who may be contacted)."""

from django.utils.translation import gettext_lazy as _

from saas_core.org.access import menu_visible
from web.menu import MenuEntry, register

register(MenuEntry("suppression", _("Suppression list"), "sending:suppression", "customers", order=90,
                   group="customers", visible=menu_visible("suppression")))
