"""Duplicate and out-of-order events racing each other, on purpose, on committed data.

Vendors retry (the same event twice, seconds apart or at once), cloud call centers post from
several machines (an "ended" can overtake its "ringing"), and the AMI adapter and the webhooks'
Celery tasks process calls in parallel. Here twelve threads, each with its own database
connection, released together by a barrier, deliver every event of six calls three times in a
shuffled order through ``services.ingest`` and process each call after commit (what the AMI
adapter does inline and the webhook's task does in a worker), so the unique event key, the
call's row lock and the state machine meet real contention. Whatever the order: one stored event
per event, one call per call, the right result, no card left ringing, one "missed" message per
agent and missed call.
"""

from __future__ import annotations

import random
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from plugins.call_center.services import TelephonyEvent
from tests.conftest import _workspace, in_tenant

pytestmark = pytest.mark.usefixtures("live_db")
THREADS = 12
COPIES = 3


@pytest.fixture
def company():
    from billing.overrides import set_override
    from plugins.call_center.models import Extension, Telephony
    from tenants.models import Tenant
    from tests.factories import UserFactory
    from tests.plugins.call_center.webhook_simulator import SECRET

    info = _workspace("race" + uuid.uuid4().hex[:10], "Call Race Ltd")
    set_override(Tenant.objects.get(schema_name=info.schema), "call_center", True)
    with in_tenant(info):
        Telephony.objects.update_or_create(pk=1, defaults={"kind": "generic", "webhook_secret": SECRET})
        info.agents = []
        for n, code in enumerate(("801", "802", "803"), start=1):
            agent = UserFactory(role="sales", name=f"Race Agent {n}", language="en")
            Extension.objects.create(code=code, user=agent)
            info.agents.append(agent)
    return info


def calls(t0: datetime, round_: int) -> tuple[list[TelephonyEvent], set[str], set[str]]:
    """Four queue calls answered at 802, two that nobody answers."""
    events, answered, missed = [], set(), set()
    for n in range(6):
        call_id = f"race-{round_}-{n}"
        at = t0 + timedelta(minutes=n)
        events.append(TelephonyEvent(vendor="generic", call_id=call_id, event="ringing", at=at, sequence=1,
                                     caller=f"137{round_:04d}{n:04d}", agents=["801", "802", "803"], queue="sales"))
        if n < 4:
            events.append(TelephonyEvent(vendor="generic", call_id=call_id, event="answered",
                                         at=at + timedelta(seconds=3), sequence=2, agents=["802"]))
            answered.add(call_id)
        else:
            missed.add(call_id)
        events.append(TelephonyEvent(vendor="generic", call_id=call_id, event="ended", at=at + timedelta(seconds=40),
                                     sequence=3))
    return events, answered, missed


@pytest.mark.parametrize("round_", [1, 2, 3])
def test_duplicates_and_disorder_from_many_workers_at_once_settle_every_call_once(company, round_):
    from plugins.call_center import services
    from plugins.call_center.models import Call, CallRing, RawEvent, Result, RingState
    from saas_core.activities.models import Notification

    events, answered, missed = calls(datetime.now(UTC) - timedelta(hours=1), round_)
    deliveries = [e for e in events for _copy in range(COPIES)]
    random.Random(round_).shuffle(deliveries)
    shares = [deliveries[n::THREADS] for n in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def worker(share):
        try:
            with in_tenant(company):
                barrier.wait(timeout=60)
                for event in share:
                    services.ingest([event], inline=True)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures

    agent1, agent2, agent3 = company.agents
    with in_tenant(company):
        ours = Call.objects.filter(call_id__startswith=f"race-{round_}-")
        assert RawEvent.objects.filter(call_id__startswith=f"race-{round_}-").count() == len(events)
        assert not RawEvent.objects.filter(processed_at__isnull=True).exists()
        assert ours.count() == 6
        for call in ours:
            rings = dict(CallRing.objects.filter(call=call).values_list("user_id", "state"))
            assert call.number and call.digits == call.caller, call.call_id
            if call.call_id in answered:
                assert (call.result, call.agent_id, call.duration) == (Result.ANSWERED, agent2.pk, 37), call.call_id
                assert rings == {agent1.pk: RingState.TAKEN, agent2.pk: RingState.ANSWERED,
                                 agent3.pk: RingState.TAKEN}, call.call_id
            else:
                assert call.result == Result.MISSED and call.duration == 0, call.call_id
                assert rings == {a.pk: RingState.MISSED for a in company.agents}, call.call_id
        for agent in company.agents:
            assert services.ringing_for(agent) == []
            for call in Call.objects.filter(call_id__in=missed):
                told = Notification.objects.filter(user=agent, title=f"Missed call from {call.number}").count()
                assert told == 1, (agent.name, call.call_id)
