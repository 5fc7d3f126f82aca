"""The AMI adapter against the AMI simulator: login (MD5 and plain), events into the call log,
reconnect with a new login after the PBX drops, malformed frames, duplicates, order, Originate."""

from __future__ import annotations

import asyncio
import json

import pytest

from plugins.call_center import ami
from plugins.call_center.models import Call, CallRing, Result, RingState
from tests.conftest import in_tenant
from tests.plugins.call_center import ami_simulator as sim

FAST = (0.05, 0.1)


@pytest.fixture
def pbx():
    server = sim.AmiSimulator().start()
    yield server
    server.stop()


def config(pbx, **extra) -> ami.AmiConfig:
    return ami.AmiConfig(**{"schema": "t_test", "host": "127.0.0.1", "port": pbx.port, "username": "crm",
                            "secret": "pbx-secret-77", **extra})


def drive(pbx, cfg, steps, on_event=None, want: int = 0, seconds: float = 10):
    """Run an AmiClient until ``want`` events arrived after ``steps(pbx)`` (sent once logged in)."""
    got: list = []

    async def collect(schema, events):
        got.extend(events)
        if on_event is not None:
            on_event(schema, events)

    async def main():
        client = ami.AmiClient(cfg, collect, backoff=FAST)
        task = asyncio.create_task(client.run())
        await asyncio.wait_for(client.logged_in.wait(), seconds)
        await asyncio.to_thread(steps, pbx, client)
        deadline = asyncio.get_running_loop().time() + seconds
        while len(got) < want and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
        await client.stop()
        task.cancel()
        return client

    client = asyncio.run(main())
    return client, got


def test_md5_login_and_a_direct_call_becomes_ringing_answered_ended(pbx):
    _client, got = drive(pbx, config(pbx), lambda p, c: p.send(sim.direct_inbound("13812345678", "801")), want=3)
    assert pbx.logins == [("md5", True)]
    assert [(e.event, e.agents) for e in got] == [("ringing", ["801"]), ("answered", ["801"]), ("ended", [])]
    assert got[0].caller == "13812345678" and len({e.call_id for e in got}) == 1


def test_plain_login_when_the_pbx_offers_no_challenge(pbx):
    pbx.md5 = False
    drive(pbx, config(pbx), lambda p, c: None)
    assert pbx.logins == [("plain", True)]


def test_a_wrong_secret_is_retried_with_back_off_never_crashing(pbx):
    async def main():
        client = ami.AmiClient(config(pbx, secret="wrong"), None, backoff=FAST)
        task = asyncio.create_task(client.run())
        await asyncio.sleep(0.6)
        await client.stop()
        task.cancel()
        return client

    client = asyncio.run(main())
    assert client.logins == 0 and len(pbx.logins) >= 2 and not any(ok for _how, ok in pbx.logins)


def test_after_a_drop_it_reconnects_logs_in_again_and_survives_malformed_frames(pbx):
    def steps(p, client):
        p.drop()
        p.wait_connected(1)  # the client came back by itself
        p.send(sim.direct_inbound("13900001111", "802", answer=False),
               raw=b"this is not a header line\r\nEvent: DialBegin\r\n\r\n" + b"X" * 70000 + b"\r\n\r\n")

    client, got = drive(pbx, config(pbx), steps, want=2)
    assert client.logins == 2 and [ok for _how, ok in pbx.logins] == [True, True]
    assert [e.event for e in got] == ["ringing", "ended"] and got[1].result == ""


def test_originate_rings_the_agents_extension_with_our_call_id(pbx):
    answers = []

    def steps(p, client):
        future = asyncio.run_coroutine_threadsafe(
            client.originate(extension="801", number="13812340000", call_id="c0ffee", context="from-internal"), loop)
        answers.append(future.result(5))

    loop = None

    async def main():
        nonlocal loop
        loop = asyncio.get_running_loop()
        client = ami.AmiClient(config(pbx), lambda *a: asyncio.sleep(0), backoff=FAST)
        task = asyncio.create_task(client.run())
        await asyncio.wait_for(client.logged_in.wait(), 10)
        await asyncio.to_thread(steps, pbx, client)
        await client.stop()
        task.cancel()

    asyncio.run(main())
    assert answers[0]["Response"] == "Success"
    sent = [a for a in pbx.actions if a.get("Action") == "Originate"][0]
    assert sent["Channel"] == "PJSIP/801" and sent["Exten"] == "13812340000" and sent["ChannelId"] == "c0ffee"


# --- into the product's call log (the test's database, in this thread) ---------------------------


@pytest.fixture
def stored(django_capture_on_commit_callbacks):
    """Store events in the product one by one, in the order the adapter received them, as the
    adapter does (here, after the loop: inside a running loop Django would hand out another
    connection than the test's transaction)."""

    from django_tenants.utils import schema_context

    def store(schema, events):
        for event in events:
            with schema_context(schema), django_capture_on_commit_callbacks(execute=True):
                ami.store_events(schema, [event])

    return store


@pytest.mark.django_db
def test_queue_ring_all_three_agents_one_answers_with_duplicates_and_disorder(pbx, desk, cc_a, stored):
    called, connect, hangup = sim.queue_ring_all("021-6666 0001", desk.codes, answered_by="802")
    cfg = config(pbx, schema=cc_a.schema)
    stored(cfg.schema, drive(pbx, cfg, lambda p, c: p.send(called, duplicate=True), want=6)[1])
    with in_tenant(cc_a):
        call = Call.objects.get(vendor="ami")
        assert CallRing.objects.filter(call=call, state=RingState.RINGING).count() == 3
    stored(cfg.schema, drive(pbx, cfg, lambda p, c: p.send(connect + hangup, shuffle=True), want=2)[1])
    with in_tenant(cc_a):
        call.refresh_from_db()
        assert call.result == Result.ANSWERED and call.agent == desk.agents[1] and call.queue == "sales"
        states = dict(CallRing.objects.filter(call=call).values_list("user_id", "state"))
        assert states == {desk.agents[0].pk: RingState.TAKEN, desk.agents[1].pk: RingState.ANSWERED,
                          desk.agents[2].pk: RingState.TAKEN}


@pytest.mark.django_db
def test_no_answer_and_transfer_scenarios(pbx, desk, cc_a, stored):
    cfg = config(pbx, schema=cc_a.schema)
    missed = sim.direct_inbound("13900002222", "801", answer=False)
    moved = sim.transfer("13900003333", "801", "802")
    stored(cfg.schema, drive(pbx, cfg, lambda p, c: p.send(missed + moved), want=2 + 5)[1])
    with in_tenant(cc_a):
        by_caller = {c.caller: c for c in Call.objects.filter(vendor="ami")}
        assert by_caller["13900002222"].result == Result.MISSED
        transferred = by_caller["13900003333"]
        assert transferred.result == Result.ANSWERED and transferred.agent == desk.agents[1]


@pytest.mark.django_db
def test_click_to_dial_through_the_pbx_ties_its_events_to_the_logged_call(pbx, desk, cc_a, stored, client_for,
                                                                         django_capture_on_commit_callbacks):
    from plugins.call_center import services

    with in_tenant(cc_a):
        from tests.plugins.call_center.conftest import configure

        configure("ami", ami_host="127.0.0.1", ami_port=pbx.port, ami_username="crm", ami_secret="pbx-secret-77")
        with django_capture_on_commit_callbacks():
            call = services.dial(by=desk.agents[0], number="13812340000")
    cfg = config(pbx, schema=cc_a.schema)
    stored(cfg.schema, drive(pbx, cfg, lambda p, c: p.send(sim.outbound(call.call_id, "801", "13812340000")),
                             want=3)[1])
    with in_tenant(cc_a):
        call.refresh_from_db()
        assert call.result == Result.ANSWERED and call.direction == "out" and call.agent == desk.agents[0]
        assert not Call.objects.filter(vendor="ami").exists()
        assert not CallRing.objects.filter(call=call).exists()  # no incoming card for one's own call


@pytest.mark.django_db
def test_the_supervisor_serves_companies_with_ami_and_forwards_click_to_dial(pbx, desk, cc_a, tenant_b):
    with in_tenant(cc_a):
        from tests.plugins.call_center.conftest import configure

        configure("ami", ami_host="127.0.0.1", ami_port=pbx.port, ami_username="crm", ami_secret="pbx-secret-77")
    configs = ami.load_configs()
    assert list(configs) == [cc_a.schema]  # B has neither the module nor a PBX
    assert configs[cc_a.schema].secret == "pbx-secret-77"

    async def main():
        supervisor = ami.Supervisor(backoff=FAST)
        client = ami.AmiClient(configs[cc_a.schema], lambda *a: asyncio.sleep(0), backoff=FAST)
        supervisor.clients[cc_a.schema] = (configs[cc_a.schema], client, asyncio.create_task(client.run()))
        await asyncio.wait_for(client.logged_in.wait(), 10)
        await supervisor._originate(json.dumps({"schema": cc_a.schema, "call_id": "feed", "extension": "801",
                                                "number": "13812340000", "context": "from-internal"}).encode())
        await supervisor._originate(b"not json")  # logged, not fatal
        await client.stop()

    asyncio.run(main())
    assert [a["ChannelId"] for a in pbx.actions if a.get("Action") == "Originate"] == ["feed"]
