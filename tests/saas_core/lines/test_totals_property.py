"""Property: the stored total always equals the sum of the stored rounded lines minus the discount,
for random lines, precisions and discounts, for every document with lines (QUO-01, CTR-01, ORD-01
"Must hold"): quotes, contracts and orders share one computation (saas_core.lines)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saas_core.contracts import services as contracts
from saas_core.lines.services import LineInput
from saas_core.orders import services as orders
from saas_core.quotes import services as quotes
from saas_core.system.models import SystemSettings
from tests.conftest import in_tenant
from tests.saas_core.contracts.conftest import add, product

CREATE = {"quote": quotes.create_quote, "contract": contracts.create_contract, "order": orders.create_order}

pytestmark = pytest.mark.django_db


def _amount(places: int, low: int, high: int):
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-places))


@st.composite
def cases(draw):
    price_places = draw(st.integers(0, 4))
    quantity_places = draw(st.integers(0, 3))
    lines = draw(st.lists(st.tuples(
        _amount(quantity_places, 1, 10 ** (quantity_places + 4)),
        _amount(price_places, 0, 10 ** (price_places + 6)),
        _amount(2, 0, 10000),
    ), min_size=1, max_size=8))
    return price_places, quantity_places, lines, draw(st.floats(0, 1))


@pytest.fixture
def setup(org, tenant_a):
    customer = add(tenant_a, org.sales1, "性质客户")
    p = product(tenant_a, org.boss, "性质产品")
    return customer, p


@pytest.mark.parametrize("kind", list(CREATE))
def test_stored_total_is_the_sum_of_stored_lines_minus_the_discount(kind, setup, org, tenant_a):
    customer, p = setup
    extra = {"title": "性质合同"} if kind == "contract" else {}

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(cases())
    def check(case):
        price_places, quantity_places, lines, share = case
        with in_tenant(tenant_a):
            SystemSettings.objects.update_or_create(pk=1, defaults={"price_places": price_places,
                                                                    "quantity_places": quantity_places})
            quantum = Decimal(1).scaleb(-price_places)
            expected_lines = [(q * pr * (100 - d) / 100).quantize(quantum, ROUND_HALF_UP) for q, pr, d in lines]
            discount = (sum(expected_lines) * Decimal(str(share))).quantize(quantum, rounding="ROUND_DOWN")
            made = CREATE[kind](by=org.sales1, customer=customer, discount=discount, check_permission=False,
                                lines=[LineInput(p, *ln) for ln in lines], **extra)
            stored = type(made).objects.get(pk=made.pk)
            stored_lines = list(stored.lines.order_by("position").values_list("total", flat=True))
            assert stored_lines == expected_lines
            assert stored.total == sum(stored_lines, Decimal(0)) - stored.discount
            assert stored.discount == discount and stored.total >= 0

    check()
