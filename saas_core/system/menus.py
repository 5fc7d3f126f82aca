"""The Boss's System settings entry (the System group)."""

from django.utils.translation import gettext_lazy as _

from saas_core.org.access import menu_visible_to_boss
from web.menu import MenuEntry, register

register(MenuEntry("system_settings", _("System settings"), "system:settings", "account", order=52,
                   visible=menu_visible_to_boss))
