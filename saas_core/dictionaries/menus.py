"""Menu entries of this app (registered on start-up, see web.menu)."""

from django.utils.translation import gettext_lazy as _

from saas_core.dictionaries.permissions import MODULE
from saas_core.org.access import menu_visible
from web.menu import MenuEntry, register

register(MenuEntry("dictionaries", _("Data dictionaries"), "dictionaries:type_list", "account", order=37,
                   visible=menu_visible(MODULE)))
