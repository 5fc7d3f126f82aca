"""Signed inbound callbacks: a forged or altered one gets 404 and leaves nothing; a good one is
answered at once and processed after the commit, once, in its own company; a failing handler
keeps the callback for the sweep."""

from __future__ import annotations

import json

import pytest

from saas_core.sending import callbacks, suppression
from saas_core.sending.models import Channel, InboundCallback, Reason, Suppression
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

SECRET = "whsec-test"


def _verify(request) -> bool:
    return callbacks.verify_hmac(SECRET, request.body, request.headers.get("X-Signature", ""))


def _process(row: InboundCallback) -> None:
    event = json.loads(row.body)
    if event.get("explode"):
        raise RuntimeError("the provider sent something odd")
    suppression.suppress(Channel.EMAIL, event["email"], reason=Reason.HARD_BOUNCE, source="test-bounce")


@pytest.fixture(autouse=True)
def bounce_handler():
    callbacks.register(callbacks.Handler(kind="test-bounce", verify=_verify, process=_process))
    yield
    callbacks._handlers.pop("test-bounce", None)


def post(client, body: bytes, signature: str):
    return client.post("/sending/callbacks/test-bounce/", body, content_type="application/json",
                       HTTP_X_SIGNATURE=signature)


def test_a_signed_callback_is_acknowledged_then_processed_once(tenant_a, client_for,
                                                                django_capture_on_commit_callbacks):
    body = json.dumps({"email": "Gone@Example.com"}).encode()
    client = client_for(tenant_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post(client, body, callbacks.sign(SECRET, body))
    assert response.status_code == 200 and len(queued) == 1
    with in_tenant(tenant_a):
        row = InboundCallback.objects.get()
        assert row.status == InboundCallback.Status.PENDING and not Suppression.objects.exists()
        assert "Cookie" not in row.headers
        assert callbacks.process(row.pk) == InboundCallback.Status.DONE
        assert callbacks.process(row.pk) == "done-or-busy"  # a second delivery of the task does nothing
        entry = Suppression.objects.get()
        assert (entry.address, entry.reason) == ("gone@example.com", Reason.HARD_BOUNCE)


def test_forged_altered_stale_or_unknown_callbacks_get_404_and_store_nothing(tenant_a, client_for):
    body = json.dumps({"email": "x@example.com"}).encode()
    client = client_for(tenant_a)
    assert post(client, body, callbacks.sign("not-the-secret", body)).status_code == 404
    assert post(client, body + b" ", callbacks.sign(SECRET, body)).status_code == 404
    assert post(client, body, callbacks.sign(SECRET, body, timestamp=1_000_000_000)).status_code == 404
    assert post(client, body, "").status_code == 404
    assert client.post("/sending/callbacks/nothing-here/", body, content_type="application/json").status_code == 404
    got = client.get("/sending/callbacks/test-bounce/")
    assert got.status_code == 405, got.content.decode()[:3000]
    with in_tenant(tenant_a):
        assert not InboundCallback.objects.exists()


def test_a_failing_handler_keeps_the_callback_for_the_sweep(tenant_a):
    with in_tenant(tenant_a):
        row = callbacks.receive("test-bounce", json.dumps({"explode": True}).encode(), {})
        assert callbacks.process(row.pk) == "error"
        row.refresh_from_db()
        assert row.status == InboundCallback.Status.PENDING and "odd" in row.error and row.attempts == 1
        InboundCallback.objects.filter(pk=row.pk).update(body=json.dumps({"email": "later@example.com"}))
        InboundCallback.objects.filter(pk=row.pk).update(received_at=row.received_at - callbacks.STRANDED_AFTER * 2)
        assert callbacks.sweep() == 1
        assert Suppression.objects.filter(address="later@example.com").exists()
