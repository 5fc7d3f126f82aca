"""Menu entry and workbench panel of announcements."""

from django.utils.translation import gettext_lazy as _

from saas_core.announcements import services
from saas_core.org.access import can, menu_visible
from web.menu import MenuEntry, register
from web.workbench import Panel
from web.workbench import register as register_panel

register(MenuEntry("announcements", _("Announcements"), "announcements:list", "tools", order=20,
                   visible=menu_visible("announcements")))


def _panel(request):
    if not can(request.user, "announcements", "view"):
        return None
    return {"announcements": list(services.current_for(request.user)[:5])}


register_panel(Panel("announcements", "announcements/_panel.html", _panel, order=10))
