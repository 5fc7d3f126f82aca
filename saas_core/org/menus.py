"""Menu entries of this app (registered on start-up, see web.menu)."""

from django.utils.translation import gettext_lazy as _

from saas_core.org.access import menu_visible, menu_visible_to_boss
from web.menu import MenuEntry, register

register(MenuEntry("departments", _("Departments & org chart"), "org:departments", "account", order=35,
                   visible=menu_visible("organisation")))
register(MenuEntry("roles", _("Roles & permissions"), "org:roles", "account", order=36, visible=menu_visible_to_boss))
