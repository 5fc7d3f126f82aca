"""Racing unsubscribes of one address make one suppression entry (committed data, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from saas_core.sending import suppression
from saas_core.sending.models import Channel, Reason, Suppression

pytestmark = pytest.mark.live


def test_racing_unsubscribes_of_one_address_make_one_entry(live_db):
    """Eight threads suppress the same address at the same moment (committed, each on its own
    connection, in a workspace of its own): one row, nobody fails."""
    import uuid

    from django_tenants.utils import schema_context

    from tenants import provisioning

    sub = "supp" + uuid.uuid4().hex[:10]
    ws = provisioning.create_workspace(company_name=f"Race {sub}", subdomain=sub, admin_name="Boss",
                                       email=f"boss@{sub}.example.com", password="Correct-Horse-77", language="en")
    schema = ws.tenant.schema_name
    barrier, errors = threading.Barrier(8), []

    def unsubscribe():
        try:
            with schema_context(schema):
                barrier.wait(timeout=30)
                suppression.suppress(Channel.EMAIL, "race@example.com", reason=Reason.UNSUBSCRIBE)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=unsubscribe) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with schema_context(schema):
        assert Suppression.objects.filter(address="race@example.com").count() == 1
