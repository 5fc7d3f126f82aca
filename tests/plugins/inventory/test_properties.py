"""Property tests (hypothesis): random sequences of receipts, issues, transfers and stocktakes.

Through the real services and database: after every step the ledger's invariants hold (balance =
Σ moves in quantity and value, value exactly 0 at quantity 0, never below zero), an issue is
refused exactly when the stock is short, a transfer carries its value unchanged, and the quantity
is what a plain count of the accepted operations says. The costing arithmetic alone is checked
over many more sequences.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.inventory import costing
from tests.conftest import in_tenant
from tests.plugins.inventory.conftest import make_product

quantities = st.integers(min_value=1, max_value=40).map(Decimal)
costs = st.decimals(min_value=0, max_value=999, places=6, allow_nan=False, allow_infinity=False)
operations = st.lists(st.one_of(
    st.tuples(st.just("in"), st.integers(0, 1), quantities, costs),
    st.tuples(st.just("out"), st.integers(0, 1), quantities, st.none()),
    st.tuples(st.just("transfer"), st.integers(0, 1), quantities, st.none()),
    st.tuples(st.just("stocktake"), st.integers(0, 1), st.integers(0, 60).map(Decimal), st.none()),
), min_size=1, max_size=12)


@given(st.lists(st.tuples(st.booleans(), quantities, costs), max_size=60))
@settings(max_examples=300, deadline=None)
def test_costing_keeps_value_in_step_with_quantity(steps):
    state = costing.State()
    total_value = Decimal(0)
    for receipt, quantity, cost in steps:
        if receipt:
            step = costing.receive(state, quantity, unit_cost=cost)
        elif quantity <= state.quantity:
            step = costing.issue(state, quantity)
        else:
            continue
        total_value += step.value
        state = step.after
        assert state.value == total_value
        assert state.quantity >= 0 and state.value >= 0
        assert state.value == state.value.quantize(costing.VALUE_QUANTUM)
        assert state.unit_cost == state.unit_cost.quantize(costing.COST_QUANTUM)
        if state.quantity == 0:
            assert state.value == 0


@pytest.fixture
def world(shop):
    return shop


@given(ops=operations)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_document_sequences_keep_every_invariant(world, ops):
    from plugins.inventory import services
    from plugins.inventory.checks import violations
    from plugins.inventory.models import Balance, Move

    shop = world
    places = [shop.a, shop.b]
    with in_tenant(shop.tenant):
        product = make_product(shop.boss, "性质测试")
        expected = {0: Decimal(0), 1: Decimal(0)}
        for kind, where, quantity, cost in ops:
            here, there = places[where], places[1 - where]
            if kind == "transfer":
                try:
                    doc = services.transfer(by=shop.boss, source=here, destination=there,
                                            lines=[services.LineIn(product, quantity)])
                except ValidationError as exc:
                    assert quantity > expected[where], exc
                    assert "Not enough stock" in str(exc)
                    continue
                assert quantity <= expected[where]
                expected[where] -= quantity
                expected[1 - where] += quantity
                legs = list(Move.objects.filter(document=doc).values_list("value", flat=True))
                assert len(legs) == 2 and sum(legs) == 0
                continue
            line = services.LineIn(product, quantity, cost)
            doc = services.create_document(by=shop.boss, kind=kind, warehouse=here, lines=[line])
            try:
                services.confirm(doc, by=shop.boss)
            except ValidationError as exc:
                assert kind == "out" and quantity > expected[where], exc
                continue
            if kind == "in":
                expected[where] += quantity
            elif kind == "out":
                assert quantity <= expected[where]
                expected[where] -= quantity
            else:
                expected[where] = quantity
            assert violations() == []
            for n, warehouse in enumerate(places):
                row = Balance.objects.filter(product=product, warehouse=warehouse).first()
                assert (row.quantity if row else Decimal(0)) == expected[n]
                if row and row.quantity == 0:
                    assert row.value == 0
        assert violations() == []
