"""Error reports: Sentry only with a DSN, always with the tenant, never with personal data.

The CRM holds other companies' customers, so what leaves for Sentry matters as much as whether
it leaves: a crash report must say *which workspace* failed (``tags.tenant``) and must not carry
what a user typed (passwords, e-mail addresses), wherever sentry-sdk happens to pick it up (the
request body, stack-frame locals, exception messages, breadcrumbs).

No network: sentry-sdk is initialised through the product's ``init_sentry`` with a dummy DSN and
an in-process transport that keeps the envelopes; each test puts the previous client back.
"""

from __future__ import annotations

import json
import re

import pytest
import sentry_sdk
from django_tenants.utils import schema_context
from sentry_sdk.envelope import Envelope
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.transport import Transport

from saas_core import sentry as crm_sentry
from saas_core.accounts import services
from saas_core.accounts.tasks import purge_login_log
from tests.conftest import PASSWORD

DSN = "https://public@sentry.invalid/1"
ANY_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


class CapturingTransport(Transport):
    """Keeps every envelope sentry-sdk would have sent."""

    def __init__(self):
        super().__init__({"dsn": DSN})
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        return [item.payload.json for env in self.envelopes for item in env.items if item.type == "event"]

    def serialized(self) -> str:
        """Everything, headers included, exactly as it would have gone over the wire."""
        return b"".join(env.serialize() for env in self.envelopes).decode()


@pytest.fixture
def sentry():
    """sentry-sdk initialised by ``init_sentry`` with the capturing transport; restored afterwards.

    Each test also runs in a fresh isolation scope, so the tags it sets (the middleware tags the
    tenant on the current isolation scope) cannot leak into later tests.
    """
    previous = sentry_sdk.get_client()
    transport = CapturingTransport()
    assert crm_sentry.init_sentry(DSN, transport=transport) is True
    try:
        with sentry_sdk.isolation_scope():
            yield transport
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(previous)


def test_without_a_dsn_sentry_stays_off(monkeypatch):
    """No SENTRY_DSN (the default): sentry-sdk is not even initialised, so nothing can be sent."""

    def init(*args, **kwargs):
        pytest.fail("init_sentry('') called sentry_sdk.init")

    monkeypatch.setattr(sentry_sdk, "init", init)
    was_active = sentry_sdk.get_client().is_active()
    assert crm_sentry.init_sentry("") is False
    assert sentry_sdk.get_client().is_active() is was_active


def test_with_a_dsn_sentry_has_django_and_celery_and_no_default_pii(sentry):
    client = sentry_sdk.get_client()
    assert client.is_active()
    assert client.get_integration(DjangoIntegration) is not None
    assert client.get_integration(CeleryIntegration) is not None
    assert not client.options.get("send_default_pii")  # the default: no personal data
    assert client.options["before_send"] is crm_sentry.before_send


@pytest.mark.django_db
def test_a_crash_on_a_tenant_host_is_tagged_with_the_tenant_and_carries_no_personal_data(
    sentry, client_for, tenant_a, tenant_b, monkeypatch
):
    """A user posts the login form (e-mail and password), then the login log write fails.

    This is the real login path (view, form, ``attempt_login``) with only the login-log writer
    broken, the way a database outage would break it, so the password and the e-mail address
    are live in the request body, in ``attempt_login``'s locals and in the exception message.
    """

    def broken_record_attempt(request, identifier, user, reason, at=None):
        raise RuntimeError(f"the login log is unavailable (attempt by {identifier})")

    monkeypatch.setattr(services, "record_attempt", broken_record_attempt)
    # A stale tag from earlier work on this scope must be replaced by the request's tenant.
    sentry_sdk.get_isolation_scope().set_tag("tenant", tenant_b.schema)
    email = tenant_a.boss_username  # the Boss signs in with an e-mail address
    assert ANY_EMAIL.fullmatch(email)

    client = client_for(tenant_a, raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": email, "password": PASSWORD})

    assert response.status_code == 500
    events = sentry.events()
    assert events, "the crash was not reported"
    for event in events:
        assert event["tags"]["tenant"] == tenant_a.schema
        assert event["exception"]["values"][-1]["type"] == "RuntimeError"
        assert "user" not in event
        assert not ANY_EMAIL.search(json.dumps(event, ensure_ascii=False))
    wire = sentry.serialized()
    assert PASSWORD not in wire
    assert email not in wire
    assert not ANY_EMAIL.search(wire)
    # Not vacuous: the frames of the failed login were reported, with their locals scrubbed.
    frames = {frame["function"]: frame for frame in events[0]["exception"]["values"][-1]["stacktrace"]["frames"]}
    assert frames["attempt_login"]["vars"]["password"] == crm_sentry.SCRUBBED
    assert crm_sentry.SCRUBBED in frames["attempt_login"]["vars"]["identifier"]


@pytest.mark.django_db
def test_a_failing_task_is_tagged_with_the_tenant_it_ran_for(sentry, tenant_a, tenant_b, monkeypatch):
    """Errors in Celery tasks must name the tenant too: the worker serves every tenant.

    The task runs through Celery's tracer (``apply``), where tenant_schemas_celery switches the
    schema from the message header and sentry-sdk's Celery integration opens a fresh scope per
    task; the stale ``tenant_b`` tag stands for whatever the worker's scope held before.
    """

    def broken_purge(retention_days=None):
        raise RuntimeError("purge failed")

    monkeypatch.setattr(services, "purge_login_log", broken_purge)
    sentry_sdk.get_isolation_scope().set_tag("tenant", tenant_b.schema)

    with schema_context(tenant_a.schema):
        result = purge_login_log.apply()

    assert result.failed()
    events = sentry.events()
    assert events, "the task failure was not reported"
    assert {event["tags"].get("tenant") for event in events} == {tenant_a.schema}


def test_before_send_scrubs_personal_data_at_any_depth():
    """The last line of defence: it sees the whole event, whatever integration produced it."""
    event = {
        "user": {"id": 7, "email": "li@example.com"},
        "request": {
            "url": "https://alpha.crm.example/accounts/login/",
            "method": "POST",
            "cookies": {"sessionid": "abc"},
            "data": {"password": "hunter2-secret"},
            "query_string": "email=li%40example.com",
            "headers": {"Authorization": "Token abc", "X-CSRFToken": "t", "User-Agent": "Firefox"},
        },
        "tags": {"tenant": "t_alpha"},
        "extra": {
            "customer": {
                "name": "Li Lei",
                "contacts": [{"Email": "li@example.com", "mobile_phone": "13800000000", "role": "buyer"}],
                "notes": ["call li@example.com or wang.fang+crm@sub.example.com.cn", 42, None],
                "deep": {"level": {"api_key": "k", "new_password1": "p", "ok": "kept"}},
            },
        },
        "exception": {"values": [{"type": "ValueError", "value": "no user li@example.com"}]},
    }

    scrubbed = crm_sentry.before_send(event, {})

    assert "user" not in scrubbed
    request = scrubbed["request"]
    assert set(request) == {"url", "method", "headers"}
    assert request["headers"] == {"Authorization": "[scrubbed]", "X-CSRFToken": "[scrubbed]", "User-Agent": "Firefox"}
    assert scrubbed["tags"] == {"tenant": "t_alpha"}
    customer = scrubbed["extra"]["customer"]
    assert customer["name"] == "Li Lei"
    assert customer["contacts"] == [{"Email": "[scrubbed]", "mobile_phone": "[scrubbed]", "role": "buyer"}]
    assert customer["notes"] == ["call [scrubbed] or [scrubbed]", 42, None]
    assert customer["deep"] == {"level": {"api_key": "[scrubbed]", "new_password1": "[scrubbed]", "ok": "kept"}}
    assert scrubbed["exception"]["values"][0]["value"] == "no user [scrubbed]"
    assert not ANY_EMAIL.search(json.dumps(scrubbed))
