"""Shared by the contract and order tests: the organisation of tests.saas_core.org in tenant A,
customers, products with prices (tests.saas_core.quotes), and documents made through the services
(no permission check, like an import)."""

from __future__ import annotations

import pytest

from saas_core.contracts import services as contracts
from saas_core.lines.services import LineInput
from saas_core.orders import services as orders
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import _fast_password_hashing, add  # noqa: F401 - fixture; a customer
from tests.saas_core.org.conftest import build_org
from tests.saas_core.quotes.conftest import product, quote  # noqa: F401 - helpers for the tests here


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def contract(tenant, owner, customer, lines: list[tuple], *, discount="0", **fields):
    """A draft contract of ``owner``; ``lines`` are (product, quantity, unit price or None, discount %)."""
    with in_tenant(tenant):
        return contracts.create_contract(by=owner, customer=customer, lines=[LineInput(*ln) for ln in lines],
                                         discount=discount, check_permission=False,
                                         **{"title": "Contract", **fields})


def order(tenant, owner, customer, lines: list[tuple], *, discount="0", **fields):
    """An order of ``owner`` awaiting confirmation."""
    with in_tenant(tenant):
        return orders.create_order(by=owner, customer=customer, lines=[LineInput(*ln) for ln in lines],
                                   discount=discount, check_permission=False, **fields)


def form_data(customer, lines: list[tuple], **extra) -> dict:
    """A document form's POST: the header fields in ``extra``, the line form set from ``lines``."""
    data = {"customer": customer.pk, "discount": extra.pop("discount", "0"), "lines-TOTAL_FORMS": str(len(lines)),
            "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000"}
    for i, (p, q, price, disc) in enumerate(lines):
        data |= {f"lines-{i}-product": p.pk, f"lines-{i}-quantity": q, f"lines-{i}-unit_price": price,
                 f"lines-{i}-discount_percent": disc}
    return data | extra


def speak_chinese(tenant, user, language: str = "zh-hans") -> None:
    """The user's own language (it wins over the browser's)."""
    with in_tenant(tenant):
        type(user).objects.filter(pk=user.pk).update(language=language)
