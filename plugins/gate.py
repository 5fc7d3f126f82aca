"""What a tenant sees of its modules: the request gate and the per-tenant views of the registries.

- ``ModuleGateMiddleware``: a module's pages and API answer 404 where it is off.
- ``menu_entries``, ``customer_panels``, ``phone_actions``: the hook results of the enabled
  modules only, as plain specs for ``web.menu`` and ``saas_core.customers.panels`` (the plugins
  app registers them there on start-up: this module imports neither registry).
- ``hidden_dictionary_types``: dictionary types of modules that are off (the dictionary pages
  and API leave them out; their values stay).
- ``permission_module_visible``: the role matrix shows a module's permissions only where it is on
  (handed to ``saas_core.org.permissions.set_module_visibility`` on start-up).
"""

from __future__ import annotations

from functools import cache

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from plugins import enablement, manager
from plugins.enablement import flatten, hooks_for


@cache
def _namespaces() -> dict[str, str]:
    from plugins.urls import namespaces

    return namespaces()


class ModuleGateMiddleware:
    """404 for the URLs and API of a module that is off in this request's tenant."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None:
            return None
        names = _namespaces()
        for namespace in match.namespaces:
            key = names.get(namespace)
            if key is not None and not enablement.is_enabled(key, getattr(request, "tenant", None)):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Not found.")}, status=404)
                raise Http404(_("This page does not exist."))
        return None


def _tenant(request):
    return getattr(request, "tenant", None)


def menu_entries(request) -> list[dict]:
    """The enabled modules' ``crm_menu_entries`` (specs for ``web.menu.entry_from_spec``); the
    plugins app registers this as an entry source of the menu registry."""
    return list(flatten(hooks_for(_tenant(request)).crm_menu_entries()))


def customer_panels(request) -> list[dict]:
    """The enabled modules' ``crm_customer_panels`` (``saas_core.customers.panels.register_panel``
    keyword dicts); the plugins app registers this as a panel source of the 360° registry."""
    return list(flatten(hooks_for(_tenant(request)).crm_customer_panels()))


def phone_actions(request, number: str, contact=None) -> list[dict]:
    if not number:
        return []
    return flatten(hooks_for(_tenant(request)).crm_phone_actions(request=request, number=number, contact=contact))


def page_scripts(request) -> list[str]:
    """Static paths of the enabled modules' ``crm_page_scripts`` (loaded on every shell page)."""
    return list(dict.fromkeys(flatten(hooks_for(_tenant(request)).crm_page_scripts())))


def realtime_pending(user) -> list[dict]:
    """The enabled modules' ``crm_realtime_pending`` events for ``user`` (a pending source of
    ``saas_core.realtime.services``; called in the user's company schema)."""
    return list(flatten(hooks_for().crm_realtime_pending(user=user)))


def module_dictionary_types() -> dict[str, list[dict]]:
    """Module key -> its dictionary type definitions (every installed module)."""
    return {key: list(types or ()) for key, types in manager.per_module("crm_dictionary_types").items()}


def hidden_dictionary_types(tenant=None) -> frozenset[str]:
    """Keys of the dictionary types whose module is off in ``tenant`` (default: the current one)."""
    enabled = enablement.enabled_modules(tenant)
    return frozenset(
        t["key"] for key, types in module_dictionary_types().items() if key not in enabled for t in types
    )


def permission_module_visible(plugin_key: str | None) -> bool:
    return plugin_key is None or enablement.is_enabled(plugin_key)
