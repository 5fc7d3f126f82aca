"""The one plugin manager: every installed module registered once, at start-up.

Modules come from the entry-point group ``crm.modules`` (``pip install crm-foo`` adds one);
the built-in modules are declared in this project's own ``pyproject.toml`` the same way, and
``BUILTIN`` registers them too when the project runs from a source tree whose entry points are
not installed. Nothing is registered or unregistered per request: per-tenant calls go through
``plugins.enablement.hooks_for``, a cached subset of this manager.
"""

from __future__ import annotations

import importlib
import logging
import threading

import pluggy

from plugins import hookspecs

logger = logging.getLogger(__name__)

# Built-in modules: (entry-point name, module path); also declared as entry points.
BUILTIN: tuple[tuple[str, str], ...] = (("sms", "plugins.sms.plugin"), ("call_center", "plugins.call_center.plugin"),
                                        ("edm", "plugins.edm.plugin"), ("inventory", "plugins.inventory.plugin"))

_pm: pluggy.PluginManager | None = None
_lock = threading.Lock()


def get_plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager, created and loaded on first use."""
    global _pm
    if _pm is None:
        with _lock:
            if _pm is None:
                _pm = _load()
    return _pm


def _load() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs.ModuleSpec)
    pm.load_setuptools_entrypoints(hookspecs.ENTRY_POINT_GROUP)
    for name, path in BUILTIN:
        if pm.get_plugin(name) is None and not pm.is_blocked(name):
            pm.register(importlib.import_module(path), name=name)
    pm.check_pending()
    _check_keys(pm)
    return pm


def _check_keys(pm: pluggy.PluginManager) -> None:
    seen: dict[str, str] = {}
    for plugin in pm.get_plugins():
        info = _info_of(pm, plugin)
        if info is None:
            continue
        key = info.get("key")
        if not key or not str(key).replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"module {pm.get_name(plugin)!r} has no valid key in crm_module_info: {info!r}")
        if key in seen:
            raise ValueError(f"two modules declare the key {key!r}: {seen[key]} and {pm.get_name(plugin)}")
        seen[key] = pm.get_name(plugin)


def _info_of(pm: pluggy.PluginManager, plugin) -> dict | None:
    impls = [i for i in pm.hook.crm_module_info.get_hookimpls() if i.plugin is plugin]
    return impls[0].function() if impls else None


def modules() -> dict[str, object]:
    """Installed modules: key -> plugin object (only plugins that implement ``crm_module_info``)."""
    pm = get_plugin_manager()
    found = {}
    for plugin in pm.get_plugins():
        info = _info_of(pm, plugin)
        if info is not None:
            found[info["key"]] = plugin
    return found


def module_infos() -> list[dict]:
    """``crm_module_info()`` of every installed module, in their ``order``."""
    pm = get_plugin_manager()
    infos = [_info_of(pm, plugin) for plugin in modules().values()]
    return sorted(infos, key=lambda i: (i.get("order", 100), i["key"]))


def module_name(key: str) -> str | None:
    """The installed module's name as its plugin declares it (translated into the active
    language), or None when no installed module has ``key``."""
    plugin = modules().get(key)
    info = _info_of(get_plugin_manager(), plugin) if plugin is not None else None
    return str(info["name"]) if info and info.get("name") else None


def module_key_of(plugin) -> str | None:
    info = _info_of(get_plugin_manager(), plugin)
    return info["key"] if info else None


def per_module(hook_name: str, *args, **kwargs) -> dict[str, object]:
    """Call a global hook on every module separately: key -> that module's result.

    For start-up hooks whose results must stay attributed to their module (URLs, tasks).
    """
    pm = get_plugin_manager()
    out = {}
    for key, plugin in modules().items():
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            if impl.plugin is plugin:
                out[key] = impl.function(*args, **kwargs)
    return out


def django_apps() -> list[str]:
    """Every installed module's Django apps, for ``TENANT_APPS`` (read by the settings)."""
    apps: list[str] = []
    for result in per_module("crm_django_apps").values():
        apps.extend(app for app in result or () if app not in apps)
    return apps


def celery_task_packages() -> list[str]:
    packages: list[str] = []
    for result in per_module("crm_celery_task_modules").values():
        packages.extend(result or ())
    return packages


def beat_schedule() -> dict:
    schedule: dict = {}
    for result in per_module("crm_beat_schedule").values():
        schedule.update(result or {})
    return schedule
