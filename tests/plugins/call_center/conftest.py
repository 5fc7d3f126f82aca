"""Call-center fixtures: the module on in tenant A, a configured telephony, agents with extensions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import in_tenant
from tests.plugins.call_center.webhook_simulator import SECRET, WebhookSimulator


@pytest.fixture
def cc_a(tenant_a, switch_module):
    """The call-center module switched on in tenant A (the vendor's override)."""
    switch_module(tenant_a, "call_center", True)
    return tenant_a


@dataclass
class Desk:
    boss: object
    agents: list
    codes: list


def configure(kind: str = "generic", **extra):
    from plugins.call_center.models import Telephony

    values = {"kind": kind, "webhook_secret": SECRET, **extra}
    Telephony.objects.update_or_create(pk=1, defaults=values)
    return Telephony.objects.get(pk=1)


@pytest.fixture
def desk(cc_a, boss_a, make_user):
    """Generic webhooks configured in A; three sales agents at extensions 801-803."""
    from plugins.call_center.models import Extension

    agents = [make_user(cc_a, username=f"agent{n}", name=f"Agent {n}", role="sales") for n in (1, 2, 3)]
    with in_tenant(cc_a):
        configure()
        for n, agent in enumerate(agents, start=801):
            Extension.objects.create(code=str(n), user=agent)
    return Desk(boss_a, agents, ["801", "802", "803"])


@pytest.fixture
def simulator():
    return WebhookSimulator()


def a_call(call_id: str, agent_code: str, caller: str = "13812349999", ended: bool = True, *,
           answered: bool = False):
    """A call from ``caller`` ringing at ``agent_code`` a minute ago, stored and applied as the
    webhooks would (missed when ended unanswered)."""
    from plugins.call_center import services
    from plugins.call_center.services import TelephonyEvent

    at = datetime.now(UTC) - timedelta(minutes=1)
    events = [TelephonyEvent(vendor="generic", call_id=call_id, event="ringing", at=at, caller=caller,
                             agents=[agent_code])]
    if answered:
        events.append(TelephonyEvent(vendor="generic", call_id=call_id, event="answered",
                                     at=at + timedelta(seconds=2), agents=[agent_code]))
    if ended:
        events.append(TelephonyEvent(vendor="generic", call_id=call_id, event="ended", at=at + timedelta(seconds=9)))
    services.ingest(events)
    return services.process_call("generic", call_id)
