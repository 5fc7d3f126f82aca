"""Concurrent posting on committed data, with contention provoked on purpose.

50 threads (each with its own database connection from the pool) are released together by a
barrier to confirm 50 single-unit stock-outs of a product that has 10 in stock; whoever holds the
balance row's lock pauses before writing, so the others really queue on it. Exactly 10 succeed,
40 get the field error, and the ledger's invariants hold; 20 rounds. A second test posts
multi-line documents over the same products listed in opposite orders from 16 threads: the
deterministic lock order means none deadlocks and none fails.
"""

from __future__ import annotations

import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests.conftest import _workspace, in_tenant
from tests.plugins.inventory.conftest import balance, make_product, stock_in

pytestmark = pytest.mark.live
WORKERS = 50
IN_STOCK = 10
PAUSE_HOLDING_LOCK = 0.004


@pytest.fixture(scope="module")
def company(django_db_setup, django_db_blocker):
    """A company of its own with the module on and 仓库A / 仓库B, removed afterwards."""
    from billing.overrides import set_override
    from plugins.inventory import services
    from saas_core.accounts.models import User
    from tenants.models import Tenant

    with django_db_blocker.unblock():
        info = _workspace("invrace" + uuid.uuid4().hex[:8], "Stock Race Ltd")
        set_override(Tenant.objects.get(schema_name=info.schema), "inventory", True)
        with in_tenant(info):
            info.boss = User.objects.get(role="boss")
            info.a = services.save_warehouse(by=info.boss, code="A", name="仓库A")
            info.b = services.save_warehouse(by=info.boss, code="B", name="仓库B")
        yield info
        connection.set_schema_to_public()
        Tenant.objects.get(schema_name=info.schema).delete(force_drop=True)


@pytest.fixture
def slow_lock(monkeypatch):
    """Whoever has locked the balance rows waits a moment before writing: the others queue on the lock."""
    from plugins.inventory import posting

    real = posting._lock_balances

    def lock_then_pause(places):
        rows = real(places)
        time.sleep(PAUSE_HOLDING_LOCK)
        return rows

    monkeypatch.setattr(posting, "_lock_balances", lock_then_pause)


def run_together(company, jobs) -> list:
    """Run each job in its own thread, released at once; results (or exceptions) in job order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(n, job):
        try:
            with in_tenant(company):
                barrier.wait(timeout=60)
                results[n] = job()
        except BaseException as exc:  # noqa: BLE001 - inspected by the test
            results[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a poster hung"
    return results


@pytest.mark.parametrize("round_", range(20))
def test_50_parallel_single_unit_stock_outs_of_10_in_stock_post_exactly_10(company, slow_lock, round_):
    from django.utils import translation

    from plugins.inventory import services
    from plugins.inventory.checks import violations
    from plugins.inventory.models import Document, Move

    with in_tenant(company):
        product = make_product(company.boss, f"并发出库 {round_}")
        stock_in(company.boss, company.a, [(product, IN_STOCK, "2.50")])
        drafts = [services.create_document(by=company.boss, kind="out", warehouse=company.a,
                                           lines=[services.LineIn(product, "1")]) for _ in range(WORKERS)]

    def confirm(doc):
        def job():
            with translation.override("en"):
                return services.confirm(Document.objects.get(pk=doc.pk), by=company.boss)
        return job

    results = run_together(company, [confirm(d) for d in drafts])
    posted = [r for r in results if isinstance(r, Document)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(posted) == IN_STOCK and len(refused) == WORKERS - IN_STOCK, [r for r in results if r not in posted
                                                                           and r not in refused]
    expected = f"Not enough stock of “并发出库 {round_}” (1 wanted from 仓库A, 0 left)"
    assert all(e.message_dict == {"lines.0.quantity": [expected]} for e in refused), refused[0].message_dict
    with in_tenant(company):
        assert balance(product, company.a) == (Decimal(0), Decimal("2.5"), Decimal(0))
        assert Move.objects.filter(product=product, kind="out").count() == IN_STOCK
        assert Document.objects.filter(pk__in=[d.pk for d in drafts], status="posted").count() == IN_STOCK
        assert violations() == []


def test_documents_over_the_same_products_in_opposite_orders_never_deadlock(company, slow_lock):
    from plugins.inventory import services
    from plugins.inventory.checks import violations
    from plugins.inventory.models import Document

    with in_tenant(company):
        products = [make_product(company.boss, f"交叉 {n}") for n in range(4)]
        stock_in(company.boss, company.a, [(p, 100, "1") for p in products])
        drafts = []
        for n in range(16):
            order = products if n % 2 else list(reversed(products))
            kind, warehouse = ("transfer", company.a) if n % 4 == 0 else ("out", company.a)
            drafts.append(services.create_document(
                by=company.boss, kind=kind, warehouse=warehouse, to_warehouse=company.b,
                lines=[services.LineIn(p, "1") for p in order]))

    results = run_together(company, [lambda d=d: services.confirm(Document.objects.get(pk=d.pk), by=company.boss)
                                     for d in drafts])
    assert all(isinstance(r, Document) for r in results), [r for r in results if not isinstance(r, Document)]
    with in_tenant(company):
        assert {balance(p, company.a)[0] for p in products} == {Decimal(84)}
        assert {balance(p, company.b)[0] for p in products} == {Decimal(4)}
        assert violations() == []
