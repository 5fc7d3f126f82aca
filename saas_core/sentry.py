"""Error reporting: sentry-sdk with the tenant as a tag and personal data scrubbed."""

from __future__ import annotations

import re
from typing import Any

SCRUBBED = "[scrubbed]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_SENSITIVE_KEYS = re.compile(r"pass|secret|token|key|auth|cookie|session|csrf|email|mobile|phone", re.I)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (SCRUBBED if isinstance(k, str) and _SENSITIVE_KEYS.search(k) else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return _EMAIL.sub(SCRUBBED, value)
    return value


def before_send(event: dict, hint: dict) -> dict:
    """Drop users, cookies, headers with credentials, form bodies and any e-mail address."""
    event.pop("user", None)
    request = event.get("request")
    if request:
        request.pop("cookies", None)
        request.pop("data", None)
        request.pop("query_string", None)
    return _scrub(event)


def init_sentry(dsn: str, **options: Any) -> bool:
    """Initialise sentry-sdk when a DSN is configured; return whether it was."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=before_send,
        **options,
    )
    return True


def tag_tenant(schema_name: str) -> None:
    try:
        import sentry_sdk
    except ImportError:  # pragma: no cover - sentry-sdk is a dependency
        return
    sentry_sdk.get_isolation_scope().set_tag("tenant", schema_name)
