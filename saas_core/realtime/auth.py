"""The WebSocket handshake's company and user: Host → tenant, then the session in its schema.

django-tenants' middleware is HTTP-only; this does the same domain lookup
(``TenantByHostMiddleware.get_tenant``) for a WebSocket scope, then reads the session cookie
inside that company's schema (sessions are per schema, so company A's cookie means nothing on
B's host) with Django's own ``get_user``, which also checks the password-hash and epoch signature
of the session. ``scope["tenant"]``/``scope["user"]`` are None when any step fails; the consumer
then refuses the handshake.
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from importlib import import_module
from types import SimpleNamespace

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection
from django_tenants.utils import get_tenant_domain_model, remove_www

log = logging.getLogger(__name__)


def _header(scope: dict, name: bytes) -> str:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _session_key(scope: dict) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(_header(scope, b"cookie"))
    except Exception:  # noqa: BLE001 - a malformed cookie header reads as none
        return None
    morsel = cookie.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel else None


def resolve(host: str, session_key: str | None):
    """``(tenant, user)`` for a handshake on ``host`` with ``session_key``, or None."""
    from django.contrib.auth import get_user

    from saas_core.middleware import TenantByHostMiddleware
    from tenants.models import WITHOUT_WORKSPACE

    if not host or not session_key:
        return None
    hostname = remove_www(host.split(":")[0].lower())
    connection.set_schema_to_public()
    domain_model = get_tenant_domain_model()
    try:
        tenant = TenantByHostMiddleware.get_tenant(None, domain_model, hostname)
    except domain_model.DoesNotExist:
        return None
    if tenant.schema_name in (settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME):
        return None
    if tenant.status in WITHOUT_WORKSPACE:
        return None
    connection.set_tenant(tenant)
    try:
        engine = import_module(settings.SESSION_ENGINE)
        request = SimpleNamespace(session=engine.SessionStore(session_key))
        user = get_user(request)
        if not user.is_authenticated or not user.is_active:
            return None
        return tenant, user
    finally:
        connection.set_schema_to_public()


class TenantSessionMiddleware:
    """ASGI middleware for ``websocket`` scopes: sets ``scope["tenant"]`` and ``scope["user"]``."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        scope = dict(scope, tenant=None, user=None)
        if scope.get("type") == "websocket":
            found = await database_sync_to_async(resolve)(_header(scope, b"host"), _session_key(scope))
            if found is not None:
                scope["tenant"], scope["user"] = found
            else:
                log.info("websocket handshake refused: no company session for host %r", _header(scope, b"host"))
        return await self.inner(scope, receive, send)
