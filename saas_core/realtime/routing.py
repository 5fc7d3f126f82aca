"""The ASGI ``websocket`` application (mounted by ``saas_core.asgi``)."""

from __future__ import annotations

from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from saas_core.realtime.auth import TenantSessionMiddleware
from saas_core.realtime.consumers import UserEventsConsumer

URL = "/ws/events/"

websocket_urlpatterns = [path(URL.lstrip("/"), UserEventsConsumer.as_asgi())]

# The Origin check stops another site's page from opening a socket with the user's cookie.
application = AllowedHostsOriginValidator(TenantSessionMiddleware(URLRouter(websocket_urlpatterns)))
