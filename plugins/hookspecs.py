"""Hook specifications every module implements (pluggy project name ``crm``).

A module is a pluggy plugin (any object or Python module with ``@hookimpl`` functions) that
implements ``crm_module_info``; it is registered once at start-up from the entry-point group
``crm.modules`` (``plugins.manager``). Hooks are called *per tenant* through
``plugins.hooks_for(tenant)``, which reaches only the modules enabled for that tenant, except
the start-up hooks marked "global" below (they build the process: apps, URLs, tasks).

Every hook returns plain data (dicts, lists, URL patterns), so a module needs nothing from the
core but this file; README "Writing a module" documents each one.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import pluggy

PROJECT = "crm"
ENTRY_POINT_GROUP = "crm.modules"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


def package_hooks(package: str) -> tuple[Callable, Callable, Callable, Callable]:
    """The four start-up hooks of a module laid out as one package, in this order:
    ``crm_django_apps`` (the package is its Django app), ``crm_urlpatterns`` (``<package>.urls``),
    ``crm_api_urlpatterns`` (``<package>.api_urls``), ``crm_celery_task_modules`` (its ``tasks.py``).

    Every built-in module is laid out so; its ``plugin.py`` unpacks them under the hooks' names::

        crm_django_apps, crm_urlpatterns, crm_api_urlpatterns, crm_celery_task_modules = package_hooks("plugins.sms")

    The URL modules are imported only when the hook is called (the settings read
    ``crm_django_apps`` before models can be imported).
    """

    @hookimpl
    def crm_django_apps() -> list[str]:
        return [package]

    @hookimpl
    def crm_urlpatterns() -> list:
        return import_module(f"{package}.urls").urlpatterns

    @hookimpl
    def crm_api_urlpatterns() -> list:
        return import_module(f"{package}.api_urls").urlpatterns

    @hookimpl
    def crm_celery_task_modules() -> list[str]:
        return [package]

    return crm_django_apps, crm_urlpatterns, crm_api_urlpatterns, crm_celery_task_modules


class ModuleSpec:
    # --- start-up (global: called once for every installed module) ----------------------------

    @hookspec(firstresult=True)
    def crm_module_info(self) -> dict:
        """The module's identity: ``{"key", "name", "description", "order"}``.

        ``key`` is a slug, the same as ``billing.Module.key``; name and description may be lazy
        translations. Global; read at start-up and by the catalogue sync.
        """

    @hookspec
    def crm_django_apps(self) -> list[str]:
        """Django apps (dotted paths) the module needs in every tenant schema.

        Global; read while the settings are loaded, so the implementation must not import
        Django models. The apps' migrations run in every tenant (enabling is data, not schema).
        """

    @hookspec
    def crm_urlpatterns(self) -> list:
        """Web URL patterns, mounted at ``/<key>/`` on tenant hosts under the namespace ``<key>``.

        Global (the URL configuration is built once); requests for a module that is off get 404.
        """

    @hookspec
    def crm_api_urlpatterns(self) -> list:
        """REST API URL patterns (e.g. a DRF router's ``urls``), mounted at ``/api/v1/<key>/``.

        Namespace ``<key>-api``. Global; requests for a module that is off get a JSON 404.
        """

    @hookspec
    def crm_permission_modules(self) -> list[dict]:
        """Role-permission modules: ``[{"key", "label", "defaults": {role: [actions]}, "noun"}]``.

        Global; registered into ``saas_core.org.permissions`` at start-up; the role matrix shows
        them only in companies where the module is on.
        """

    @hookspec
    def crm_celery_task_modules(self) -> list[str]:
        """Python packages whose ``tasks.py`` Celery should import (autodiscovery). Global."""

    @hookspec
    def crm_beat_schedule(self) -> dict:
        """Celery beat entries ``{name: {"task": ..., "schedule": seconds}}``. Global.

        A periodic task should fan out over tenants and guard itself with
        ``plugins.tasks.module_task`` so a tenant where the module is off is skipped.
        """

    # --- per tenant (only modules enabled for the tenant) -------------------------------------

    @hookspec
    def crm_menu_entries(self) -> list[dict]:
        """Menu entries: ``[{"key", "label", "url_name", "group", "order", "permission": (module, action)}]``.

        Called per request for the tenant; ``group`` is one of ``web.menu.GROUPS`` (the sidebar's
        group; a module's pages usually go to "modules"). An older ``section`` (a key of
        ``web.menu.SECTION_GROUPS``) is still understood when ``group`` is missing.
        ``permission`` (optional) hides the entry from roles without that permission.
        """

    @hookspec
    def crm_customer_panels(self) -> list[dict]:
        """Customer 360° panels: ``[{"key", "label", "template", "context", ...}]``, the keyword
        arguments of ``saas_core.customers.panels.register_panel`` (``order``, ``section``, ``column``,
        ``tab``, ``lazy``, ``permission``, ``visible``).

        ``context(request, customer)`` returns a dict or None (hidden). Called per request. A module's
        panel is lazy (loaded when its tab opens) unless it says ``"lazy": False``.
        """

    @hookspec
    def crm_page_scripts(self) -> list[str]:
        """Static file paths (``"call_center/popup.js"``) loaded on every page of the app shell.

        Called per request for the tenant, enabled modules only. A script listens for the
        real-time channel's ``crm:event`` DOM events (``web/static/web/realtime.js``).
        """

    @hookspec
    def crm_realtime_pending(self, user) -> list[dict]:
        """Events a tab of ``user`` should see again after (re)connecting to the real-time
        channel (e.g. calls ringing for them): ``[{"type": ..., ...}]``. Per tenant, enabled
        modules only, in the tenant's schema.
        """

    @hookspec
    def crm_dictionary_types(self) -> list[dict]:
        """Dictionary types the module owns, with their default values.

        ``[{"key", "name_zh", "name_en", "group", "items": [{"key", "label_zh", "label_en"}]}]``.
        Seeded into every tenant schema after migrations (existing values are left as they are);
        hidden in the dictionary pages and API where the module is off.
        """

    @hookspec
    def crm_phone_actions(self, request, number: str, contact) -> list[dict]:
        """Links shown beside a phone number: ``[{"label", "url", "icon"}]`` (click-to-SMS, dial).

        ``contact`` is the contact the number belongs to (or None). Called per request.
        """

    # --- services a module offers the core (per tenant; the first module that answers) -------

    @hookspec(firstresult=True)
    def crm_reminder_sms_on(self) -> bool | None:
        """Whether this company's reminders also go out by SMS (the SMS module's setting)."""

    @hookspec(firstresult=True)
    def crm_send_reminder_sms(self, user_id: int, number: str, title: str, remind_at) -> bool | None:
        """Text user ``user_id`` a reminder (``title``, due ``remind_at``) at ``number``; True when queued.

        Called inside the transaction that marks the reminder's SMS delivery sent, so whatever
        the module writes commits with that mark (texted once). Raise ``ValidationError`` when
        it cannot be sent (quota used up, number opted out): the delivery then fails with that
        message and is not tried again.
        """

    @hookspec
    def crm_demo_data(self, user) -> None:
        """Fill the demo company with the module's sample data, made through its own services as
        ``user`` (the demo's Boss). Called by ``crm demo`` / ``crm run`` in the demo company's schema,
        after the core's sample data, on the modules enabled there; must add nothing the second time."""

    # --- domain events (per tenant, after the change is committed) -----------------------------

    @hookspec
    def crm_customer_created(self, customer, user) -> None:
        """A customer was created (by ``user``, None for imports and tasks); after commit."""

    @hookspec
    def crm_contact_created(self, contact, user) -> None:
        """A contact was created; after commit."""

    @hookspec
    def crm_order_confirmed(self, order, user) -> None:
        """A sales order was confirmed (by ``user``); after commit. The inventory module turns the
        order's stock-tracked lines (``order.lines``) into stock-out documents here."""
