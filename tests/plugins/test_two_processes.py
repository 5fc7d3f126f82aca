"""A switch in the vendor console takes effect in every process at once (no restart): two
separate processes that cached a tenant's modules both see the change on their next call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import child_env

pytestmark = pytest.mark.live

REPO = Path(__file__).resolve().parents[2]


class Probe:
    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("probe.py"))], cwd=REPO, env=child_env(SENTRY_DSN=""),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout.readline().strip() == "ready"

    def ask(self, schema: str) -> dict:
        self.proc.stdin.write(schema + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def test_an_enablement_switch_reaches_two_running_processes(live_db, tenant_a, tenant_b):
    from billing.models import ModuleOverride
    from billing.overrides import set_override
    from tenants.models import Tenant

    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    probes = [Probe(), Probe()]
    try:
        for probe in probes:  # both cache "no modules" for A
            assert probe.ask(tenant_a.schema)["modules"] == []
            assert probe.ask(tenant_a.schema)["modules"] == []

        set_override(alpha, "sms", True)
        for probe in probes:
            answer = probe.ask(tenant_a.schema)
            assert answer["modules"] == ["sms"]
            assert "sms_send" in answer["menu"]  # the hook relay follows
            assert probe.ask(tenant_b.schema)["modules"] == []

        set_override(alpha, "sms", False)
        for probe in probes:
            answer = probe.ask(tenant_a.schema)
            assert answer == {"modules": [], "menu": []}
    finally:
        for probe in probes:
            probe.close()
        ModuleOverride.objects.filter(tenant=alpha).delete()
        from plugins import enablement

        enablement.invalidate(alpha.pk)
