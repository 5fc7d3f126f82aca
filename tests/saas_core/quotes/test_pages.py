"""The quote pages: list, form with lines (errors in both languages, nothing half-written), detail,
print with and without prices, copy, status, the customer 360° panels, the product 360°, the
workbench, and the cost price that only roles with the right see."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from saas_core.quotes.models import Quote
from saas_core.tenancy import company_today
from tests.conftest import api, in_tenant
from tests.saas_core.quotes.conftest import add, product, quote

pytestmark = pytest.mark.django_db
COST = "61.37"


def _form(customer, lines, **extra) -> dict:
    data = {"customer": customer.pk, "subject": "年度采购", "terms": "", "discount": extra.pop("discount", "0"),
            "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000"}
    for i, (p, q, price, disc) in enumerate(lines):
        data |= {f"lines-{i}-product": p.pk, f"lines-{i}-quantity": q, f"lines-{i}-unit_price": price,
                 f"lines-{i}-discount_percent": disc}
    return data | extra


def test_create_from_the_customer_with_line_errors_in_both_languages(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "表单客户")
    a = product(tenant_a, org.boss, "螺丝刀")
    b = product(tenant_a, org.boss, "扳手")
    web = client_for(tenant_a, org.sales1)
    page = web.get(f"/quotes/new/?customer={customer.pk}").content.decode()
    assert "表单客户" in page and 'data-line-template' in page
    bad = _form(customer, [(a, "0", "10", "0"), (b, "1", "-1", "120")])
    page = web.post("/quotes/new/", bad).content.decode()
    assert "The quantity must be more than zero." in page
    assert "A price cannot be negative." in page and "The discount is a percentage from 0 to 100." in page
    page = web.post("/quotes/new/", _form(customer, [(a, "1", "10.005", "0")])).content.decode()
    assert "At most 2 decimal places are allowed." in page
    zh = client_for(tenant_a, org.sales1, HTTP_ACCEPT_LANGUAGE="zh-hans")
    with in_tenant(tenant_a):
        type(org.sales1).objects.filter(pk=org.sales1.pk).update(language="zh-hans")
    zh_page = zh.post("/quotes/new/", _form(customer, [(a, "", "10", "0")])).content.decode()
    assert "该字段是必填项。" in zh_page and 'data-error-for="quantity"' in zh_page
    with in_tenant(tenant_a):
        assert not Quote.all_objects.exists()
    done = web.post("/quotes/new/", _form(customer, [(a, "3", "19.99", "12.5"), (b, "2", "", "0")], discount="2.47"))
    assert done.status_code == 302
    with in_tenant(tenant_a):
        q = Quote.objects.get()
        # 52.47 + 2 × 100.00 (the quote price) − 2.47
        assert q.total == Decimal("250.00") and q.lines.count() == 2
    detail = web.get(f"/quotes/{q.pk}/").content.decode()
    assert "250.00" in detail and "螺丝刀" in detail


def test_a_discontinued_product_is_refused_on_a_new_line_in_the_page(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "客户")
    gone = product(tenant_a, org.boss, "停产型号", discontinued=True)
    page = client_for(tenant_a, org.sales1).post("/quotes/new/", _form(customer, [(gone, "1", "10", "0")]))
    assert "is discontinued: it cannot go on a new line." in page.content.decode()


def test_cost_price_shows_only_with_the_right(org, tenant_a, client_for):
    customer = add(tenant_a, org.boss, "客户")
    p = product(tenant_a, org.boss, "成本产品", cost=COST)
    q = quote(tenant_a, org.boss, customer, [(p, "1", "100", "0")])
    boss = client_for(tenant_a, org.boss)
    assert COST in boss.get(f"/quotes/{q.pk}/").content.decode()
    assert COST in boss.get(f"/quotes/last-prices/?customer={customer.pk}&product={p.pk}").content.decode()
    assert COST in api(tenant_a, org.boss).get(f"/api/v1/quotes/{q.pk}/").content.decode()
    # The manager sees the quote (department scope) but has no "see cost price" right.
    with in_tenant(tenant_a):
        Quote.objects.filter(pk=q.pk).update(owner=org.sales1)
    manager = client_for(tenant_a, org.manager)
    pages = [f"/quotes/{q.pk}/", f"/quotes/{q.pk}/print/", f"/quotes/{q.pk}/print/?prices=0", "/quotes/",
             f"/quotes/last-prices/?customer={customer.pk}&product={p.pk}", f"/quotes/{q.pk}/edit/"]
    for url in pages:
        response = manager.get(url)
        assert response.status_code == 200, url
        assert COST not in response.content.decode(), url
    export = manager.get("/imports/export/quotes.xlsx")
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert export.status_code == 200 and COST.encode() not in body
    data = api(tenant_a, org.manager).get(f"/api/v1/quotes/{q.pk}/").json()
    assert "cost_price" not in data["lines"][0] and COST not in str(data)


def test_print_with_and_without_prices(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "打印客户")
    p = product(tenant_a, org.boss, "打印产品")
    q = quote(tenant_a, org.sales1, customer, [(p, "2", "123.45", "0")])
    web = client_for(tenant_a, org.sales1)
    full = web.get(f"/quotes/{q.pk}/print/").content.decode()
    assert "246.90" in full and "123.45" in full and "打印客户" in full and tenant_a.name in full
    bare = web.get(f"/quotes/{q.pk}/print/?prices=0").content.decode()
    assert "打印产品" in bare and "123.45" not in bare and "246.90" not in bare


def test_status_copy_and_panels(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "面板客户")
    p = product(tenant_a, org.boss, "面板产品")
    with in_tenant(tenant_a):
        today = company_today()
    q = quote(tenant_a, org.sales1, customer, [(p, "1", "88", "0")], valid_until=today + timedelta(days=3))
    web = client_for(tenant_a, org.sales1)
    assert 'data-testid="convert-' not in web.get(f"/quotes/{q.pk}/").content.decode()
    assert web.post(f"/quotes/{q.pk}/status/", {"status": "sent"}).status_code == 302
    with in_tenant(tenant_a):
        q.refresh_from_db()
        assert q.status == "sent"
    panel = web.get(f"/customers/{customer.pk}/panels/quotes/").content.decode()
    assert q.number in panel
    products_panel = web.get(f"/customers/{customer.pk}/panels/quoted_products/").content.decode()
    assert "面板产品" in products_panel and "88.00" in products_panel
    assert "面板客户" in web.get(f"/products/{p.pk}/").content.decode()
    assert q.number in web.get("/workbench/").content.decode()
    copied = web.post(f"/quotes/{q.pk}/copy/")
    assert copied.status_code == 302
    with in_tenant(tenant_a):
        assert Quote.objects.count() == 2


def test_list_filters_search_and_batch(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "列表客户")
    p = product(tenant_a, org.boss, "列表产品")
    a = quote(tenant_a, org.sales1, customer, [(p, "1", "10", "0")], subject="Alpha")
    b = quote(tenant_a, org.sales1, customer, [(p, "1", "20", "0")], subject="Beta")
    web = client_for(tenant_a, org.sales1)
    page = web.get("/quotes/?q=Alpha").content.decode()
    assert a.number in page and b.number not in page
    page = web.get("/quotes/?sort=-total").content.decode()
    assert page.index(b.number) < page.index(a.number)
    boss = client_for(tenant_a, org.boss)
    boss.post("/quotes/batch/", {"action": "transfer", "to_user": org.sales2.pk, "ids": [a.pk, b.pk]})
    with in_tenant(tenant_a):
        assert set(Quote.objects.values_list("owner", flat=True)) == {org.sales2.pk}
    boss.post("/quotes/batch/", {"action": "delete", "ids": [a.pk]})
    with in_tenant(tenant_a):
        assert not Quote.objects.filter(pk=a.pk).exists() and Quote.all_objects.get(pk=a.pk).deleted_at
