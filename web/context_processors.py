from __future__ import annotations

from django.conf import settings

from plugins.gate import page_scripts
from saas_core.activities.services import unread_count
from saas_core.approvals.services import waiting_count
from saas_core.realtime.routing import URL as REALTIME_URL
from web.menu import active_entry, build_groups, quick_create


def shell(request) -> dict:
    """What the shared page shell needs: the company, the menu and the language list."""
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME
    context = {"tenant": tenant, "is_public_site": is_public, "base_domain": settings.BASE_DOMAIN}
    user = getattr(request, "user", None)
    if not is_public and user is not None and user.is_authenticated:
        mode = user.menu_mode or "quick"
        groups = build_groups(request, mode)
        context.update(menu_mode=mode, menu_active=active_entry(request, groups), menu_home=groups.pop("home", None), user_menu=groups.pop("me", None),
                       menu_groups=list(groups.values()), quick_create=quick_create(request),
                       unread_notifications=lambda: unread_count(user),  # counted only where a page shows it
                       approvals_waiting=lambda: waiting_count(user),
                       realtime_url=REALTIME_URL, module_scripts=page_scripts(request))
    return context
