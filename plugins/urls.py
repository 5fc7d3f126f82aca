"""Every installed module's URLs, mounted once (the URL configuration is global).

Web routes live at ``/<key>/`` (namespace ``<key>``), API routes at ``/api/v1/<key>/``
(namespace ``<key>-api``); ``plugins.gate.ModuleGateMiddleware`` answers 404 for a module
that is off in the request's tenant.
"""

from __future__ import annotations

from django.urls import include, path

from plugins import manager


def api_namespace(key: str) -> str:
    return f"{key}-api"


def web_urlpatterns() -> list:
    return [
        path(f"{key}/", include((list(patterns), key), namespace=key))
        for key, patterns in manager.per_module("crm_urlpatterns").items() if patterns
    ]


def api_urlpatterns() -> list:
    return [
        path(f"{key}/", include((list(patterns), api_namespace(key)), namespace=api_namespace(key)))
        for key, patterns in manager.per_module("crm_api_urlpatterns").items() if patterns
    ]


def namespaces() -> dict[str, str]:
    """URL namespace -> module key, for the gate."""
    out = {}
    for key in manager.modules():
        out[key] = key
        out[api_namespace(key)] = key
    return out
