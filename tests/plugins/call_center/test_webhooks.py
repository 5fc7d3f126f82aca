"""Cloud call centers' signed webhooks, driven by the webhook simulator through the real views."""

from __future__ import annotations

import json
import logging
import time

import pytest

from plugins.call_center import services
from plugins.call_center.models import Call, RawEvent, Result
from tests.conftest import in_tenant
from tests.plugins.call_center.conftest import configure
from tests.plugins.call_center.webhook_simulator import WebhookSimulator

pytestmark = pytest.mark.django_db


def process_all(info):
    with in_tenant(info):
        for vendor, call_id in set(RawEvent.objects.values_list("vendor", "call_id")):
            services.process_call(vendor, call_id)


def test_a_signed_event_is_stored_answered_at_once_and_processed_after(desk, cc_a, client_for, simulator,
                                                                        django_capture_on_commit_callbacks):
    client = client_for(cc_a)
    simulator.post(client, simulator.event("warm-up", "ended"))  # the first request of a process loads the URLs
    with django_capture_on_commit_callbacks() as queued:
        started = time.perf_counter()
        answer = simulator.post(client, simulator.event("w1", "ringing", caller="13812340001", agent="801"))
        elapsed = time.perf_counter() - started
    assert answer.status_code == 200 and answer.json() == {"accepted": 1, "duplicates": 0}
    assert elapsed < 0.2
    assert len(queued) == 1  # the processing task, enqueued once the event is stored
    process_all(cc_a)
    with in_tenant(cc_a):
        assert Call.objects.get(call_id="w1").agent == desk.agents[0]


def test_the_same_event_twice_is_taken_once(desk, cc_a, client_for, simulator):
    client = client_for(cc_a)
    payload = simulator.event("w2", "ringing", caller="13812340002", agent="801")
    assert simulator.post(client, payload).json()["accepted"] == 1
    assert simulator.post(client, payload).json() == {"accepted": 0, "duplicates": 1}
    assert simulator.post(client, [payload, payload]).json() == {"accepted": 0, "duplicates": 2}
    with in_tenant(cc_a):
        assert RawEvent.objects.filter(call_id="w2").count() == 1


def test_a_tinet_style_call_ends_missed_in_any_order(desk, cc_a, client_for):
    with in_tenant(cc_a):
        configure("tinet")
    tinet = WebhookSimulator(vendor="tinet")
    client = client_for(cc_a)
    now = time.time()
    hangup = tinet.event("t1", "ended", at=now + 20, status="NO_ANSWER")
    ring = tinet.event("t1", "ringing", at=now, caller="021-5555 0001", agent="801,802")
    assert tinet.post(client, hangup).status_code == 200
    assert tinet.post(client, ring).status_code == 200
    process_all(cc_a)
    with in_tenant(cc_a):
        call = Call.objects.get(call_id="t1", vendor="tinet")
        assert call.result == Result.MISSED and call.caller == "021-5555 0001"
        assert services.ringing_for(desk.agents[0]) == [] and services.ringing_for(desk.agents[1]) == []


@pytest.mark.parametrize("tamper, status", [
    ({"secret": "wrong"}, 401),
    ({"skew": -301}, 401),
    ({"skew": 301}, 401),
])
def test_badly_signed_or_stale_events_are_refused_and_logged(desk, cc_a, client_for, simulator, caplog, tamper,
                                                             status):
    caplog.set_level(logging.WARNING, logger="plugins.call_center.webhooks")
    if "skew" in tamper:
        tamper = {"timestamp": time.time() + tamper["skew"]}
    answer = simulator.post(client_for(cc_a), simulator.event("w3", "ringing", caller="1"), **tamper)
    assert answer.status_code == status
    assert "call-center webhook refused" in caplog.text
    with in_tenant(cc_a):
        assert not RawEvent.objects.exists()


def test_unsigned_and_malformed_bodies_get_400_or_401_never_500(desk, cc_a, client_for, simulator):
    client = client_for(cc_a)
    url = "/call_center/webhook/generic/"
    assert client.post(url, data=b"{}", content_type="application/json").status_code == 401
    body = b"not json"
    assert client.post(url, data=body, content_type="application/json",
                       headers=simulator.headers(body)).status_code == 400
    bad = json.dumps({"call_id": "w4", "event": "exploded"}).encode()
    answer = client.post(url, data=bad, content_type="application/json", headers=simulator.headers(bad))
    assert answer.status_code == 400 and "event" in answer.json()["errors"]
    bad_time = json.dumps({"call_id": "w4", "event": "ringing", "timestamp": "yesterday"}).encode()
    answer = client.post(url, data=bad_time, content_type="application/json", headers=simulator.headers(bad_time))
    assert answer.status_code == 400 and "timestamp" in answer.json()["errors"]
    assert client.get(url).status_code == 405


def test_a_generic_vendors_own_field_names_are_mapped(desk, cc_a, client_for, simulator):
    with in_tenant(cc_a):
        configure("generic", generic_mapping={"call_id": "uuid", "event": "state", "caller": "from",
                                              "agent": "ext"})
    body = {"uuid": "m-1", "state": "RING", "from": "13812340003", "ext": "803", "timestamp": time.time()}
    assert simulator.post(client_for(cc_a), body).status_code == 200
    process_all(cc_a)
    with in_tenant(cc_a):
        assert Call.objects.get(call_id="m-1").agent == desk.agents[2]


def test_the_webhook_is_404_where_the_module_is_off_or_the_vendor_is_not_configured(
        desk, cc_a, tenant_b, client_for, simulator, switch_module):
    payload = simulator.event("w5", "ringing", caller="1")
    assert WebhookSimulator(vendor="tinet").post(client_for(cc_a), payload).status_code == 404
    assert simulator.post(client_for(tenant_b), payload).status_code == 404  # module off in B
    switch_module(cc_a, "call_center", False)
    assert simulator.post(client_for(cc_a), payload).status_code == 404
