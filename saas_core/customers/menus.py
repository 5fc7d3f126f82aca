"""Menu entries of customers (registered on start-up)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.customers import global_search  # noqa: F401 - registers the search sources (360° panels: apps.py)
from saas_core.org.access import menu_visible
from web.menu import MenuEntry, register

register(MenuEntry("customers", _("Customers"), "customers:list", "customers", order=10,
                   visible=menu_visible("customers")))
register(MenuEntry("customer_new", _("New customer"), "customers:create", "customers", order=20,
                   visible=menu_visible("customers", "create")))
register(MenuEntry("contacts", _("Contacts"), "customers:contacts", "contacts", order=30,
                   visible=menu_visible("contacts")))
register(MenuEntry("create_customer", _("Customer"), "customers:create", "customers", order=10,
                   visible=menu_visible("customers", "create"), menus=frozenset({"create"})))
register(MenuEntry("create_contact", pgettext_lazy("quick create", "Contact"), "customers:contact_new", "contacts", order=15,
                   visible=menu_visible("contacts", "create"), menus=frozenset({"create"})))
