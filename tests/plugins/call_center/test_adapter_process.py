"""The real ``crm ami`` process against the AMI simulator, on committed data.

test_ami.py drives ``AmiClient`` in this process; here the adapter runs as operators run it (a
separate long-running process, ``python -m saas_core.cli ami``): it finds the company by its
settings, logs in with the MD5 challenge, turns the PBX's frames into the call log, logs in again
after the PBX drops, survives a malformed frame, places a click-to-dial ``Originate`` from the
Redis queue, lets go of a company whose module is switched off, and logs off on SIGTERM.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import _workspace, child_env, in_tenant
from tests.plugins.call_center import ami_simulator as sim

pytestmark = pytest.mark.usefixtures("live_db")


def until(check, what: str, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s: {what}")
        time.sleep(0.05)
    return found


@pytest.fixture
def pbx():
    server = sim.AmiSimulator().start()
    yield server
    server.stop()


@pytest.fixture
def company(pbx):
    """A fresh company (committed; live_db removes it) with the module on, the simulator as its
    PBX, and an agent at extension 801."""
    from billing.overrides import set_override
    from plugins.call_center.models import Extension, Telephony
    from tenants.models import Tenant
    from tests.factories import UserFactory

    info = _workspace("ami" + uuid.uuid4().hex[:10], "AMI Process Ltd")
    set_override(Tenant.objects.get(schema_name=info.schema), "call_center", True)
    with in_tenant(info):
        Telephony.objects.update_or_create(pk=1, defaults={
            "kind": "ami", "ami_host": "127.0.0.1", "ami_port": pbx.port, "ami_username": pbx.username,
            "ami_secret": pbx.secret})
        info.agent = UserFactory(role="sales", name="Process Agent", language="en")
        Extension.objects.create(code="801", user=info.agent)
    return info


@pytest.fixture
def adapter(company, tmp_path):
    log = (tmp_path / "ami.log").open("w+b")
    proc = subprocess.Popen([sys.executable, "-m", "saas_core.cli", "ami", "--refresh", "1"],
                            env=child_env(CALL_CENTER_ALLOWED_HOSTS="127.0.0.1"), stdout=log,
                            stderr=subprocess.STDOUT)
    proc.log = log
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)
    log.close()


def output(proc) -> str:
    proc.log.flush()
    proc.log.seek(0)
    return proc.log.read().decode(errors="replace")


def call_of(info, linkedid: str):
    from plugins.call_center.models import Call

    with in_tenant(info):
        return Call.objects.filter(vendor="ami", call_id=linkedid).first()


def test_the_adapter_process_serves_a_company_through_drops_bad_frames_dialling_and_shutdown(pbx, company,
                                                                                              adapter):
    from billing.overrides import set_override
    from plugins.call_center import originate, services
    from plugins.call_center.models import CallRing, Result, RingState
    from tenants.models import Tenant

    pbx.wait_connected(1, seconds=60)
    assert pbx.logins == [("md5", True)]

    # A call rings, is answered and hung up: the call log has it, the agent's card went answered.
    linkedid = f"{int(time.time())}.proc1"
    pbx.send(sim.direct_inbound("13812340101", "801", linkedid=linkedid))
    call = until(lambda: (c := call_of(company, linkedid)) and c.ended_at and c, "the first call in the log")
    assert call.result == Result.ANSWERED and call.agent_id == company.agent.pk and call.caller == "13812340101"
    with in_tenant(company):
        assert CallRing.objects.get(call=call).state == RingState.ANSWERED

    # The PBX restarts: the adapter comes back by itself, logs in again, and a malformed frame
    # in front of the next call costs nothing but a log line.
    pbx.drop()
    pbx.wait_connected(1, seconds=30)
    assert [ok for _how, ok in pbx.logins] == [True, True]
    linkedid = f"{int(time.time())}.proc2"
    pbx.send(sim.direct_inbound("13812340102", "801", answer=False, linkedid=linkedid),
             raw=b"not a header line\r\nEvent: DialBegin\r\n\r\n")
    call = until(lambda: (c := call_of(company, linkedid)) and c.ended_at and c, "the call after the drop")
    assert call.result == Result.MISSED

    # Click-to-dial: the request goes through the Redis queue to this company's PBX connection.
    with in_tenant(company):
        dialled = services.dial(by=company.agent, number="13812340103")
        assert originate.originate(dialled.pk) == "queued"  # what the Celery task does
    sent = until(lambda: [a for a in pbx.actions if a.get("Action") == "Originate"], "an Originate")
    assert sent[0]["ChannelId"] == dialled.call_id and sent[0]["Channel"] == "PJSIP/801"
    assert sent[0]["Exten"] == "13812340103"

    # Switched off, the company's connection is closed (its adapter no longer runs).
    set_override(Tenant.objects.get(schema_name=company.schema), "call_center", False)
    until(lambda: pbx.connected == 0, "the adapter letting go of a company with the module off")
    set_override(Tenant.objects.get(schema_name=company.schema), "call_center", True)
    pbx.wait_connected(1, seconds=30)

    # SIGTERM: it logs off and exits cleanly.
    adapter.send_signal(signal.SIGTERM)
    assert adapter.wait(timeout=20) == 0, output(adapter)
    assert any(a.get("Action") == "Logoff" for a in pbx.actions)
    log = output(adapter)
    assert "malformed AMI line skipped" in log and "Traceback" not in log
