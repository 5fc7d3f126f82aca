"""Menu entry (registered on start-up): the Boss's whole-company export under Account."""

from django.utils.translation import gettext_lazy as _

from web.menu import MenuEntry, is_boss, register

register(MenuEntry("company_export", _("Export all data"), "exports:index", "account", order=56, visible=is_boss))
