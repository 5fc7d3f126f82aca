"""Two salespeople claim the same pool customer at the same moment: exactly one gets it.

Committed data in a workspace of its own (``live_db`` removes it afterwards), and two threads
with their own database connections released together by a barrier.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connections
from django.utils import translation
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD

ROUNDS = 5


def _claim_in_thread(schema: str, user_pk: int, customer_pk: int, barrier: threading.Barrier, results: list) -> None:
    from saas_core.accounts.models import User
    from saas_core.pools import services

    try:
        with schema_context(schema), translation.override("en"):
            user = User.objects.get(pk=user_pk)
            barrier.wait(timeout=30)
            try:
                services.claim(customer_pk, by=user)
            except services.AlreadyTaken as exc:
                results.append(("lost", user_pk, exc.messages[0]))
            else:
                results.append(("won", user_pk, ""))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.append(("crash", user_pk, repr(exc)))
    finally:
        connections.close_all()


@pytest.mark.live
def test_two_simultaneous_claims_exactly_one_wins(live_db):
    from saas_core.accounts.models import User
    from saas_core.customers.services import create_customer
    from saas_core.pools import services
    from saas_core.pools.models import ClaimLog, PoolEntry
    from tenants import provisioning
    from tests.factories import UserFactory

    sub = f"pool-race-{uuid.uuid4().hex[:6]}"
    email = f"boss@{sub}.example.com"
    ws = provisioning.create_workspace(company_name="Pool Race Ltd", subdomain=sub, admin_name="Boss",
                                       email=email, password=PASSWORD, language="en")
    schema = ws.tenant.schema_name
    with schema_context(schema):
        boss = User.objects.get(email=email)
        racers = [UserFactory(username="racer_a", name="Racer A"), UserFactory(username="racer_b", name="Racer B")]
        pool = services.save_pool(by=boss, name="Race pool", daily_claim_limit=0, reclaim_wait_days=0)
        customers = [create_customer(by=boss, name=f"争抢客户{i}", confirm_duplicates=True) for i in range(ROUNDS)]
        services.release(customers, pool, by=boss, reason="no_demand")

    for customer in customers:
        results: list = []
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=_claim_in_thread, args=(schema, u.pk, customer.pk, barrier, results))
                   for u in racers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(kind for kind, _user, _msg in results) == ["lost", "won"], results
        winner = next(user for kind, user, _msg in results if kind == "won")
        message = next(msg for kind, _user, msg in results if kind == "lost")
        winner_name = "Racer A" if winner == racers[0].pk else "Racer B"
        assert message == f"“{customer.name}” is no longer in the pool: {winner_name} has just claimed it."
        with schema_context(schema):
            customer.refresh_from_db()
            assert customer.owner_id == winner
            assert list(ClaimLog.objects.filter(customer=customer).values_list("user_id", flat=True)) == [winner]
            assert not PoolEntry.objects.filter(customer=customer).exists()
