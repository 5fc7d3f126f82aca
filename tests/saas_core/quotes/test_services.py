"""The quote operations: totals, defaults, the rules of the lines, statuses, expiry, copy, last prices."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saas_core.lines.services import LineInput
from saas_core.quotes import conversions, services
from saas_core.quotes.models import Quote
from saas_core.tenancy import company_today
from tests.conftest import in_tenant
from tests.saas_core.quotes.conftest import add, product, quote

pytestmark = pytest.mark.django_db


def test_totals_are_rounded_lines_minus_the_document_discount(org, tenant_a):
    customer = add(tenant_a, org.sales1, "华东客户")
    a = product(tenant_a, org.boss, "螺丝刀")
    b = product(tenant_a, org.boss, "扳手", quote_price="33.33")
    q = quote(tenant_a, org.sales1, customer, [(a, "3", "19.99", "12.5"), (b, "1.5", None, "0")], discount="5")
    with in_tenant(tenant_a):
        q.refresh_from_db()
        lines = list(q.lines.order_by("position"))
        # 3 × 19.99 × 0.875 = 52.47375 → 52.47; 1.5 × 33.33 (the quote price) = 49.995 → 50.00
        assert [ln.total for ln in lines] == [Decimal("52.47"), Decimal("50.00")]
        assert lines[1].unit_price == Decimal("33.33")
        assert q.subtotal == Decimal("102.47") and q.discount == Decimal("5") and q.total == Decimal("97.47")
        assert q.status == Quote.Status.DRAFT and q.number.startswith("Q")
        assert q.valid_until == q.quoted_on + timedelta(days=30)
        assert q.strategy.key == "quote"


@pytest.mark.parametrize(("line", "field", "words"), [
    (("1", "0", "10", "0"), "quantity", "more than zero"),
    (("1", "-2", "10", "0"), "quantity", "more than zero"),
    (("1", "1", "-1", "0"), "unit_price", "cannot be negative"),
    (("1", "1", "10", "101"), "discount_percent", "0 to 100"),
    (("1", "1", "10", "-1"), "discount_percent", "0 to 100"),
    (("1", "1", "10.123", "0"), "unit_price", "2 decimal places"),
    (("1", "1.001", "10", "0"), "quantity", "2 decimal places"),
    (("1", "abc", "10", "0"), "quantity", "not a number"),
])
def test_bad_lines_get_field_errors_and_nothing_is_written(org, tenant_a, line, field, words):
    customer = add(tenant_a, org.sales1, "客户")
    p = product(tenant_a, org.boss, "产品")
    with in_tenant(tenant_a), pytest.raises(ValidationError) as caught:
        services.create_quote(by=org.sales1, customer=customer, lines=[LineInput(p, *line[1:])])
    assert words in " ".join(caught.value.message_dict[f"lines.0.{field}"])
    with in_tenant(tenant_a):
        assert not Quote.all_objects.exists()


def test_a_discontinued_product_is_refused_on_a_new_line_but_kept_on_an_old_one(org, tenant_a):
    customer = add(tenant_a, org.sales1, "客户")
    old = product(tenant_a, org.boss, "旧型号")
    new = product(tenant_a, org.boss, "新型号")
    q = quote(tenant_a, org.sales1, customer, [(old, "1", "10", "0")])
    with in_tenant(tenant_a):
        from saas_core.products.models import Product

        Product.objects.filter(pk=old.pk).update(discontinued=True)
        old.refresh_from_db()
        with pytest.raises(ValidationError) as caught:
            services.create_quote(by=org.sales1, customer=customer, lines=[LineInput(old, "1", "10")])
        assert "discontinued" in caught.value.message_dict["lines.0.product"][0]
        services.update_quote(q, by=org.sales1, lines=[LineInput(old, "2", "10"), LineInput(new, "1", None)])
        assert q.lines.count() == 2 and q.total == Decimal("120.00")


def test_the_document_discount_may_not_exceed_the_lines(org, tenant_a):
    customer = add(tenant_a, org.sales1, "客户")
    p = product(tenant_a, org.boss, "产品")
    with in_tenant(tenant_a), pytest.raises(ValidationError) as caught:
        services.create_quote(by=org.sales1, customer=customer, lines=[LineInput(p, "1", "10")], discount="10.01")
    assert "discount" in caught.value.message_dict


def test_the_opportunity_must_be_the_customers(org, tenant_a):
    from tests.saas_core.opportunities.conftest import opportunity

    mine = add(tenant_a, org.sales1, "客户甲")
    other = add(tenant_a, org.sales1, "客户乙")
    deal = opportunity(tenant_a, org.sales1, other, "乙的机会")
    p = product(tenant_a, org.boss, "产品")
    with in_tenant(tenant_a), pytest.raises(ValidationError) as caught:
        services.create_quote(by=org.sales1, customer=mine, opportunity=deal, lines=[LineInput(p, "1", "10")])
    assert "opportunity" in caught.value.message_dict


def test_statuses_move_forward_and_expire_by_date_once(org, tenant_a):
    customer = add(tenant_a, org.sales1, "客户")
    p = product(tenant_a, org.boss, "产品")
    with in_tenant(tenant_a):
        today = company_today()
    q = quote(tenant_a, org.sales1, customer, [(p, "1", "10", "0")], quoted_on=today - timedelta(days=10),
              valid_until=today - timedelta(days=1))
    fresh = quote(tenant_a, org.sales1, customer, [(p, "1", "10", "0")])
    with in_tenant(tenant_a):
        services.set_status(fresh, Quote.Status.SENT, by=org.sales1)
        with pytest.raises(ValidationError):
            services.set_status(fresh, Quote.Status.EXPIRED, by=org.sales1)
        services.set_status(fresh, Quote.Status.ACCEPTED, by=org.sales1)
        assert services.expire_due() == 1
        assert services.expire_due() == 0
        q.refresh_from_db()
        fresh.refresh_from_db()
        assert q.status == Quote.Status.EXPIRED and fresh.status == Quote.Status.ACCEPTED
        with pytest.raises(ValidationError):
            services.update_quote(q, by=org.sales1, lines=[LineInput(p, "1", "10")])


def test_expiry_task_fans_out_and_is_idempotent(org, tenant_a):
    from saas_core.quotes import tasks

    customer = add(tenant_a, org.sales1, "客户")
    p = product(tenant_a, org.boss, "产品")
    with in_tenant(tenant_a):
        today = company_today()
    q = quote(tenant_a, org.sales1, customer, [(p, "1", "10", "0")], quoted_on=today - timedelta(days=3),
              valid_until=today - timedelta(days=1))
    with in_tenant(tenant_a):
        assert tasks.expire_quotes.apply().get() == 1
        assert tasks.expire_quotes.apply().get() == 0
        q.refresh_from_db()
        assert q.status == Quote.Status.EXPIRED


def test_copy_makes_a_new_draft_without_discontinued_products(org, tenant_a):
    customer = add(tenant_a, org.sales1, "客户")
    a = product(tenant_a, org.boss, "甲")
    b = product(tenant_a, org.boss, "乙")
    q = quote(tenant_a, org.sales1, customer, [(a, "2", "10", "0"), (b, "1", "5", "0")], terms="货到付款")
    with in_tenant(tenant_a):
        from saas_core.products.models import Product

        services.set_status(q, Quote.Status.SENT, by=org.sales1)
        Product.objects.filter(pk=b.pk).update(discontinued=True)
        copy = services.copy_quote(q, by=org.sales1)
        assert copy.pk != q.pk and copy.status == Quote.Status.DRAFT and copy.terms == "货到付款"
        assert [ln.product_id for ln in copy.lines.all()] == [a.pk] and copy.total == Decimal("20.00")


def test_last_prices_are_the_customers_newest_first(org, tenant_a):
    customer = add(tenant_a, org.sales1, "客户")
    other = add(tenant_a, org.sales1, "别的客户")
    p = product(tenant_a, org.boss, "产品")
    with in_tenant(tenant_a):
        today = company_today()
    quote(tenant_a, org.sales1, customer, [(p, "1", "10", "0")], quoted_on=today - timedelta(days=5))
    quote(tenant_a, org.sales1, customer, [(p, "1", "12", "5")], quoted_on=today - timedelta(days=1))
    quote(tenant_a, org.sales1, other, [(p, "1", "99", "0")])
    with in_tenant(tenant_a):
        found = services.last_prices(org.sales1, customer, [p.pk])[p.pk]
    assert [r["price"] for r in found] == [Decimal("12.00"), Decimal("10.00")]


def test_conversions_are_offered_by_permission_and_run_on_accepted_quotes_only(org, tenant_a):
    """Contracts and orders register theirs (CTR-01, ORD-01); a module may add one."""
    customer = add(tenant_a, org.sales1, "客户")
    p = product(tenant_a, org.boss, "产品")
    q = quote(tenant_a, org.sales1, customer, [(p, "1", "10", "0")])
    made = []

    class Probe:
        def get_absolute_url(self):
            return "/probe/1/"

    def convert(quote, by):
        made.append(quote.pk)
        return Probe()

    with in_tenant(tenant_a):
        assert [c.key for c in conversions.conversions_for(org.sales1)] == ["contract", "order"]
        assert conversions.conversions_for(org.cs) == []  # no right to create contracts and orders
        conversions.register_conversion("probe", "Convert to probe", convert=convert)
        try:
            with pytest.raises(ValidationError):
                services.run_conversion(q, "probe", by=org.sales1)  # still a draft
            services.set_status(q, Quote.Status.SENT, by=org.sales1)
            services.set_status(q, Quote.Status.ACCEPTED, by=org.sales1)
            services.run_conversion(q, "probe", by=org.sales1)
        finally:
            conversions.unregister_conversion("probe")
    assert made == [q.pk]


def test_demo_quotes_are_made_once_in_every_status(tenant_a, boss_a):
    from saas_core import demo
    from saas_core.customers.models import Customer

    with in_tenant(tenant_a):
        Customer.all_objects.all().delete()
        demo._demo_staff()
        demo._demo_customers()
        demo._demo_quotes()
        assert set(Quote.objects.values_list("status", flat=True)) == {"draft", "sent", "accepted", "rejected",
                                                                      "expired"}
        count = Quote.objects.count()
        demo._demo_quotes()
        assert Quote.objects.count() == count
        assert all(q.total == q.subtotal - q.discount for q in Quote.objects.all())
