"""Call-center fixtures: the module on in tenant A, a configured telephony, agents with extensions."""

from __future__ import annotations

from dataclasses import dataclass

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
