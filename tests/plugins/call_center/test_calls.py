"""The call state machine every adapter feeds: ringing, answered, ended, in any order, once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from plugins.call_center import services
from plugins.call_center.models import Call, CallRing, RawEvent, Result, RingState
from plugins.call_center.services import TelephonyEvent
from saas_core.customers.services import create_customer
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)


def ev(call_id, event, seconds=0, **fields):
    return TelephonyEvent(vendor="generic", call_id=call_id, event=event, at=T0 + timedelta(seconds=seconds),
                          **fields)


def run(*events):
    services.ingest(list(events))
    call_ids = {(e.vendor, e.call_id) for e in events}
    for vendor, call_id in call_ids:
        services.process_call(vendor, call_id)


def test_an_incoming_call_is_matched_by_normalised_number_and_logged(desk, cc_a):
    with in_tenant(cc_a):
        customer = create_customer(by=desk.boss, name="华东机电", confirm_duplicates=True,
                                   contact={"name": "王经理", "mobile": "138 1234 5678"})
        run(ev("c1", "ringing", caller="+86 138-1234-5678", agents=["801"]),
            ev("c1", "answered", 3, agents=["801"]), ev("c1", "ended", 63))
        call = Call.objects.get(call_id="c1")
        assert call.customer == customer and call.contact.name == "王经理"
        assert call.agent == desk.agents[0] and call.result == Result.ANSWERED and call.duration == 60
        assert CallRing.objects.get(call=call).state == RingState.ANSWERED


def test_queue_ring_all_one_answers_the_others_see_it_taken(desk, cc_a):
    with in_tenant(cc_a):
        run(ev("q1", "ringing", caller="02112345678", agents=desk.codes, queue="sales"))
        call = Call.objects.get(call_id="q1")
        assert {r.user_id: r.state for r in CallRing.objects.filter(call=call)} == {
            a.pk: RingState.RINGING for a in desk.agents}
        assert [e["call"] for e in services.ringing_for(desk.agents[2])] == [call.pk]
        run(ev("q1", "answered", 5, agents=["802"]))
        states = {r.user_id: r.state for r in CallRing.objects.filter(call=call)}
        assert states == {desk.agents[0].pk: RingState.TAKEN, desk.agents[1].pk: RingState.ANSWERED,
                          desk.agents[2].pk: RingState.TAKEN}
        assert services.ringing_for(desk.agents[0]) == []
        card = services.card_context(desk.agents[0], Call.objects.get(pk=call.pk))
        assert card["taken_by"] == desk.agents[1]


def test_an_unanswered_call_is_missed_and_on_the_agents_workbench(desk, cc_a):
    with in_tenant(cc_a):
        run(ev("m1", "ringing", caller="13900001111", agents=["801", "802"]), ev("m1", "ended", 30))
        call = Call.objects.get(call_id="m1")
        assert call.result == Result.MISSED
        assert set(CallRing.objects.filter(call=call).values_list("state", flat=True)) == {RingState.MISSED}
        assert services.missed_for(desk.agents[1]) == [call]


def test_ended_before_ringing_never_leaves_a_card_ringing(desk, cc_a):
    with in_tenant(cc_a):
        customer = create_customer(by=desk.boss, name="迟到客户", confirm_duplicates=True, phone="13900002222")
        run(ev("o1", "ended", 20))  # "ended" carries no number here (as many vendors send it)
        run(ev("o1", "ringing", 0, caller="13900002222", agents=["801"]))
        call = Call.objects.get(call_id="o1")
        assert call.result == Result.MISSED and call.started_at == T0
        assert (call.number, call.digits, call.customer) == ("13900002222", "13900002222", customer)
        assert CallRing.objects.get(call=call).state == RingState.MISSED
        assert services.ringing_for(desk.agents[0]) == []
        # The agent is told of the missed call once, though "ended" came before the card rang.
        from saas_core.activities.models import Notification

        assert list(Notification.objects.filter(user=desk.agents[0]).values_list("title", flat=True)) == [
            "Missed call from 迟到客户"]


def test_a_ringing_that_comes_after_the_call_was_answered_and_ended_marks_the_others_taken(desk, cc_a):
    with in_tenant(cc_a):
        run(ev("o3", "ended", 40, caller="13900006666"))
        run(ev("o3", "answered", 5, agents=["802"]))
        run(ev("o3", "ringing", 0, caller="13900006666", agents=desk.codes))
        call = Call.objects.get(call_id="o3")
        assert call.result == Result.ANSWERED and call.agent == desk.agents[1] and call.duration == 35
        assert dict(CallRing.objects.filter(call=call).values_list("user_id", "state")) == {
            desk.agents[0].pk: RingState.TAKEN, desk.agents[1].pk: RingState.ANSWERED,
            desk.agents[2].pk: RingState.TAKEN}


def test_answered_arriving_after_ended_makes_the_call_answered(desk, cc_a):
    with in_tenant(cc_a):
        run(ev("o2", "ringing", caller="13900003333", agents=["801"]))
        run(ev("o2", "ended", 40))
        run(ev("o2", "answered", 10, agents=["801"]))
        call = Call.objects.get(call_id="o2")
        assert call.result == Result.ANSWERED and call.duration == 30


def test_a_duplicate_event_is_stored_and_applied_once(desk, cc_a):
    with in_tenant(cc_a):
        first = ev("d1", "ringing", caller="13900004444", agents=["801"], sequence=1)
        assert services.ingest([first]) == 1
        assert services.ingest([first, first]) == 0
        services.process_call("generic", "d1")
        services.process_call("generic", "d1")
        assert RawEvent.objects.filter(call_id="d1").count() == 1
        assert CallRing.objects.filter(call__call_id="d1").count() == 1


def test_a_call_whose_end_never_came_stops_ringing(desk, cc_a):
    from django.utils import timezone

    with in_tenant(cc_a):
        old = timezone.now() - timedelta(minutes=services.PENDING_MINUTES + 1)
        run(TelephonyEvent(vendor="generic", call_id="s1", event="ringing", at=old, caller="13900005555",
                           agents=["801"]))
        assert services.sweep_stale() >= 1
        call = Call.objects.get(call_id="s1")
        assert call.ended_at is not None and call.result == Result.FAILED
        assert CallRing.objects.get(call=call).state == RingState.MISSED


def test_the_call_log_follows_the_data_scope(desk, cc_a, make_user):
    with in_tenant(cc_a):
        run(ev("s2", "ringing", caller="13900006666", agents=["801"]), ev("s2", "ended", 5),
            ev("s3", "ringing", caller="13900007777", agents=["802"]), ev("s3", "ended", 5))
        mine = set(services.calls_for(desk.agents[0]).values_list("call_id", flat=True))
        assert mine == {"s2"}
        assert {"s2", "s3"} <= set(services.calls_for(desk.boss).values_list("call_id", flat=True))


def test_bad_events_are_refused_naming_the_field(desk, cc_a):
    from django.core.exceptions import ValidationError

    with in_tenant(cc_a):
        with pytest.raises(ValidationError) as refused:
            services.ingest([ev("", "ringing")])
        assert "call_id" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            services.ingest([ev("x", "exploded")])
        assert "event" in refused.value.message_dict
        assert not RawEvent.objects.exists()


def test_timing_of_a_lookup_uses_the_phone_index(desk, cc_a):
    with in_tenant(cc_a):
        create_customer(by=desk.boss, name="号码索引", confirm_duplicates=True, phone="010-8888 7777")
        started = time.perf_counter()
        customer, contact = services.match_number("+86 10 8888 7777")
        assert customer.name == "号码索引" and contact is None
        assert time.perf_counter() - started < 1


def test_a_manager_reads_the_calls_of_the_people_under_them_only(desk, cc_a, make_user):
    from plugins.call_center.models import Extension
    from saas_core.org import services as org

    with in_tenant(cc_a):
        team = org.create_department(name="Hotline team")
    manager = make_user(cc_a, username="ccmgr", role="manager", department=team)
    below = make_user(cc_a, username="ccbelow", role="sales", department=team, superior=manager)
    with in_tenant(cc_a):
        Extension.objects.create(code="810", user=below)
        run(ev("sc1", "ringing", caller="13900008888", agents=["810"]), ev("sc1", "ended", 5))
        run(ev("sc2", "ringing", caller="13900009999", agents=["801"]), ev("sc2", "ended", 5))
        assert set(services.calls_for(manager).values_list("call_id", flat=True)) == {"sc1"}
        assert set(services.calls_for(below).values_list("call_id", flat=True)) == {"sc1"}
        assert "sc1" not in set(services.calls_for(desk.agents[0]).values_list("call_id", flat=True))
