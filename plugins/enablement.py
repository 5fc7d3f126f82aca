"""Which modules a tenant has, cached per process and invalidated across processes.

The answer comes from ``billing.entitlements.enabled_module_keys`` (plan + add-ons, then the
vendor's overrides), narrowed to the modules installed here. Each process keeps it per tenant
next to a version stamp kept in Redis; ``invalidate(tenant_id)`` bumps the stamp (after the
change commits), so every web and worker process reads the new answer on its next request or
task without a restart. A request reads the stamps once (``saas_core.request_memo``).

``hooks_for(tenant)`` is the per-tenant hook relay: one pluggy ``subset_hook_caller`` per hook
and enabled set, cached, so calling a hook for a tenant reaches only its enabled modules.
"""

from __future__ import annotations

import threading
import time
from functools import cache

import redis
from django.conf import settings
from django.db import connection, transaction

from plugins import manager
from saas_core import request_memo

# An answer is trusted this long at most even when no stamp moved (e.g. Redis was flushed).
MAX_AGE_SECONDS = 300

_cache: dict[int, tuple[bytes | None, float, frozenset[str]]] = {}
_schema_ids: dict[str, int | None] = {}
_lock = threading.Lock()


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def _stamp_key(tenant_id: int) -> str:
    # The database name keeps two installations (or test runs) on one Redis apart.
    return f"crm:{settings.DATABASES['default']['NAME']}:modules:stamp:{tenant_id}"


def _stamp(tenant_id: int) -> bytes | None:
    memo = request_memo.current()
    key = ("plugins.stamp", tenant_id)
    if memo is not None and key in memo:
        return memo[key]
    value = _redis().get(_stamp_key(tenant_id))
    if memo is not None:
        memo[key] = value
    return value


def tenant_id_of(tenant) -> int | None:
    """The tenant's id, from a Tenant, an id, or a schema-only tenant (``schema_context``)."""
    if tenant is None:
        return None
    if isinstance(tenant, int):
        return tenant
    pk = getattr(tenant, "pk", None)
    if pk is not None:
        return pk
    schema = getattr(tenant, "schema_name", None)
    if not schema or schema in (settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME):
        return None
    if schema not in _schema_ids:
        from tenants.models import Tenant

        _schema_ids[schema] = Tenant.objects.filter(schema_name=schema).values_list("pk", flat=True).first()
    return _schema_ids[schema]


def current_tenant():
    """The tenant the connection is set to (a request's host, a task's header), or None."""
    return getattr(connection, "tenant", None)


def enabled_modules(tenant=None) -> frozenset[str]:
    """Keys of the installed modules switched on for ``tenant`` (default: the current one)."""
    tenant_id = tenant_id_of(current_tenant() if tenant is None else tenant)
    if tenant_id is None:
        return frozenset()
    stamp = _stamp(tenant_id)
    hit = _cache.get(tenant_id)
    now = time.monotonic()
    if hit is not None and hit[0] == stamp and now - hit[1] < MAX_AGE_SECONDS:
        return hit[2]
    from billing.entitlements import enabled_module_keys

    keys = frozenset(enabled_module_keys(tenant_id)) & frozenset(manager.modules())
    with _lock:
        _cache[tenant_id] = (stamp, now, keys)
    return keys


def is_enabled(key: str, tenant=None) -> bool:
    return key in enabled_modules(tenant)


def invalidate(tenant_id: int) -> None:
    """Tell every process that ``tenant_id``'s modules changed; call after changing overrides
    or subscriptions. Inside a transaction the stamp moves when it commits (so no process can
    cache the old answer under the new stamp)."""

    def bump() -> None:
        _redis().incr(_stamp_key(tenant_id))
        _cache.pop(tenant_id, None)
        memo = request_memo.current()
        if memo is not None:
            memo.pop(("plugins.stamp", tenant_id), None)

    transaction.on_commit(bump)


def invalidate_all() -> None:
    """After a change that touches many tenants (a plan's modules): bump every tenant's stamp."""
    from tenants.models import Tenant

    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        invalidate(tenant_id)


# --- the per-tenant hook relay -----------------------------------------------------------


class TenantHooks:
    """``hooks_for(tenant).crm_menu_entries()``: the hook called on the enabled modules only.

    Plugins that are not modules (no ``crm_module_info``) are always called.
    """

    def __init__(self, enabled: frozenset[str]):
        self.enabled = enabled
        installed = manager.modules()
        self._removed = [plugin for key, plugin in installed.items() if key not in enabled]
        self._callers: dict[str, object] = {}

    def __getattr__(self, name: str):
        if not name.startswith("crm_"):
            raise AttributeError(name)
        caller = self._callers.get(name)
        if caller is None:
            caller = manager.get_plugin_manager().subset_hook_caller(name, remove_plugins=self._removed)
            self._callers[name] = caller
        return caller


_relays: dict[frozenset[str], TenantHooks] = {}


def hooks_for(tenant=None) -> TenantHooks:
    """The hook relay for ``tenant`` (default: the current one), cached by its enabled set."""
    enabled = enabled_modules(tenant)
    relay = _relays.get(enabled)
    if relay is None:
        relay = _relays.setdefault(enabled, TenantHooks(enabled))
    return relay


def flatten(results) -> list:
    """A list hook's results (one list per module) as one list."""
    return [item for result in results or () for item in (result or ())]
