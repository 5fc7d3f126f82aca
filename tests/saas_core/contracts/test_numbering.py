"""Contract numbers (CTR-01): the company's pattern, gap-free per year, never given twice, also
when two people save at the same moment (a race forced through the counter row's lock)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import schema_context

from saas_core.contracts import numbering
from saas_core.contracts.models import Contract, NumberCounter
from saas_core.lines.services import LineInput
from tests.conftest import PASSWORD, in_tenant
from tests.saas_core.contracts.conftest import add, contract, product
from tests.saas_core.contracts.races import hold_until_blocked


def test_render_and_check_the_pattern():
    assert numbering.render("HT{YYYY}{MM}{DD}-{SEQ:4}", date(2026, 3, 9), 7) == "HT20260309-0007"
    assert numbering.render("C{YY}-{SEQ}", date(2026, 3, 9), 12) == "C26-12"
    for bad, why in [("HT-{YYYY}", "{SEQ}"), ("HT-{SEQ:4}", "year"), ("HT{YYYY}{SEQ}{X}", "braces"),
                     ("A" * 40 + "{YYYY}{SEQ}", "too long")]:
        with pytest.raises(ValidationError) as caught:
            numbering.check_pattern(bad)
        assert why in caught.value.message_dict["pattern"][0], bad


@pytest.mark.django_db
def test_numbers_follow_the_pattern_without_gaps_and_restart_each_year(org, tenant_a):
    customer = add(tenant_a, org.sales1, "编号客户")
    p = product(tenant_a, org.boss, "编号产品")
    with in_tenant(tenant_a):
        numbering.set_pattern("contract", "HT-{YYYY}-{SEQ:3}")
        year = date.today().year
        NumberCounter.objects.filter(key="contract").delete()
    first = contract(tenant_a, org.sales1, customer, [(p, "1", "1", "0")])
    with in_tenant(tenant_a), pytest.raises(ValidationError):  # a failed save uses no number
        from saas_core.contracts import services

        services.create_contract(by=org.sales1, customer=customer, title="", lines=[LineInput(p, "1", "1")])
    second = contract(tenant_a, org.sales1, customer, [(p, "1", "1", "0")])
    with in_tenant(tenant_a):
        from saas_core.records import bin as recycle_bin

        recycle_bin.trash(Contract.objects.get(pk=second.pk), by=org.boss)  # a deleted number is not reused
    third = contract(tenant_a, org.sales1, customer, [(p, "1", "1", "0")])
    assert [first.number, second.number, third.number] == [f"HT-{year}-001", f"HT-{year}-002", f"HT-{year}-003"]
    with in_tenant(tenant_a), transaction.atomic():
        assert numbering.next_number("contract", date(year + 1, 1, 1)) == f"HT-{year + 1}-001"
        transaction.set_rollback(True)


@pytest.fixture
def workspace(live_db, settings):
    from tenants import provisioning

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sub = f"ctr-race-{uuid.uuid4().hex[:6]}"
    ws = provisioning.create_workspace(company_name="Contract Race Ltd", subdomain=sub, admin_name="Boss",
                                       email=f"boss@{sub}.example.com", password=PASSWORD, language="en")
    return ws.tenant.schema_name


@pytest.mark.live
def test_two_people_saving_at_once_never_get_the_same_number(workspace):
    """The first save holds the year's counter row until the second is seen waiting on it; both
    then commit, with consecutive numbers."""
    from saas_core.accounts.models import User
    from saas_core.contracts import services
    from saas_core.customers import services as customers
    from saas_core.products import services as products

    with schema_context(workspace):
        boss = User.objects.get(role="boss")
        customer = customers.create_customer(by=boss, name="并发客户", check_permission=False)
        p = products.create_product(by=boss, name="并发产品", prices={"deal": "10"}, check_permission=False)

    def save():
        with schema_context(workspace):
            return services.create_contract(by=User.objects.get(pk=boss.pk), customer=customer, title="并发",
                                            lines=[LineInput(p, "1", None)]).number

    first, second = hold_until_blocked(workspace, save, save)
    with schema_context(workspace):
        numbers = sorted(Contract.objects.values_list("number", flat=True))
    assert first != second and sorted([first, second]) == numbers
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2]
