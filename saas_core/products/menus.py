"""Menu entries of the product catalogue (the Sales group)."""

from django.utils.translation import gettext_lazy as _

from saas_core.org.access import menu_visible
from web.menu import MenuEntry, register

register(MenuEntry("products", _("Products"), "products:list", "products", order=50, group="sales",
                   visible=menu_visible("products")))
register(MenuEntry("create_product", _("Product"), "products:create", "products", order=50,
                   visible=menu_visible("products", "create"), menus=frozenset({"create"})))
