"""Menu entries of billing (registered on start-up, see web.menu)."""

from django.utils.translation import gettext_lazy as _

from web.menu import MenuEntry, is_boss, register

register(MenuEntry("account_info", _("Enterprise account"), "billing:account", "account", order=52, visible=is_boss))
register(MenuEntry("subscription", _("Subscription"), "billing:subscription", "account", order=54, visible=is_boss))
