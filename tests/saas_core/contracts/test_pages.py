"""The contract pages: the form with lines (field errors in both languages, nothing half-written),
detail with signers, deliveries and attachments, signing, the numbering page, the customer 360°
panel, print; and the API's 400 field map in both languages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saas_core.contracts.models import Contract, DeliveryRecord
from tests.conftest import api, in_tenant
from tests.saas_core.contracts.conftest import add, contract, form_data, product, speak_chinese

pytestmark = pytest.mark.django_db


def test_create_a_contract_with_field_errors_in_both_languages(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "页面合同客户", contact={"name": "王经理", "mobile": "13800138000"})
    a = product(tenant_a, org.boss, "服务器")
    web = client_for(tenant_a, org.sales1)
    page = web.get(f"/contracts/new/?customer={customer.pk}").content.decode()
    assert "页面合同客户" in page and "data-line-template" in page and "王经理" in page
    bad = form_data(customer, [(a, "0", "10", "0")], title="x", start_on="2026-05-01", end_on="2026-04-01")
    response = web.post("/contracts/new/", bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The quantity must be more than zero." in page and "The end date cannot be before the start date." in page
    zh = client_for(tenant_a, org.sales1, HTTP_ACCEPT_LANGUAGE="zh-hans")
    speak_chinese(tenant_a, org.sales1)
    zh_page = zh.post("/contracts/new/", form_data(customer, [(a, "", "10", "0")], title="x")).content.decode()
    assert "该字段是必填项。" in zh_page and 'data-error-for="quantity"' in zh_page
    speak_chinese(tenant_a, org.sales1, language="en")
    with in_tenant(tenant_a):
        assert not Contract.all_objects.exists()
        signer = customer.contacts.get()
    done = web.post("/contracts/new/", form_data(customer, [(a, "2", "1000", "0")], title="服务器采购合同",
                                                 start_on="2026-01-01", end_on="2026-12-31",
                                                 customer_signer=signer.pk, our_signer=org.sales1.pk,
                                                 renewal_days="30"))
    assert done.status_code == 302
    with in_tenant(tenant_a):
        c = Contract.objects.get()
        assert c.total == Decimal("2000.00") and c.customer_signer == signer and c.our_signer == org.sales1
    detail = web.get(f"/contracts/{c.pk}/").content.decode()
    assert "服务器采购合同" in detail and 'href="tel:13800138000"' in detail and c.number in detail
    assert web.post(f"/contracts/{c.pk}/status/", {"status": "in_progress"}).status_code == 302
    assert web.get(f"/contracts/{c.pk}/edit/").status_code == 302  # signed: no more editing
    bad_record = web.post(f"/contracts/{c.pk}/deliveries/", {"delivered_on": "", "content": "", "amount": "x"})
    assert bad_record.status_code == 400 and "This field is required." in bad_record.content.decode()
    good = web.post(f"/contracts/{c.pk}/deliveries/", {"delivered_on": "2026-02-01", "content": "首批服务器",
                                                       "amount": "1000"})
    assert good.status_code == 302
    with in_tenant(tenant_a):
        assert DeliveryRecord.objects.get().amount == Decimal("1000")
    assert "首批服务器" in web.get(f"/contracts/{c.pk}/").content.decode()
    panel = web.get(f"/customers/{customer.pk}/panels/contracts/").content.decode()
    assert c.number in panel and "2000.00" in panel
    printed = web.get(f"/contracts/{c.pk}/print/").content.decode()
    assert "2000.00" in printed and "王经理" in printed


def test_the_api_answers_a_field_map_in_both_languages(org, tenant_a):
    customer = add(tenant_a, org.sales1, "接口合同客户")
    p = product(tenant_a, org.boss, "接口产品")
    rest = api(tenant_a, org.sales1)
    bad = rest.post("/api/v1/contracts/", {"customer": customer.pk, "title": "t", "start_on": "2026-05-01",
                                           "end_on": "2026-04-01", "lines": [{"product": p.pk, "quantity": "-2"}]},
                    format="json")
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert errors["end_on"] == ["The end date cannot be before the start date."]
    assert errors["lines.0.quantity"] == ["The quantity must be more than zero."]
    made = rest.post("/api/v1/contracts/", {"customer": customer.pk, "title": "t",
                                            "lines": [{"product": p.pk, "quantity": "2"}]}, format="json")
    assert made.status_code == 201 and made.json()["total"] == "180.00"  # the deal price, 90.00
    assert "cost_price" not in made.json()["lines"][0]
    pk = made.json()["id"]
    signed = rest.post(f"/api/v1/contracts/{pk}/status/", {"status": "in_progress"}, format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "in_progress"
    locked = rest.patch(f"/api/v1/contracts/{pk}/", {"lines": [{"product": p.pk, "quantity": "9"}]}, format="json")
    assert locked.status_code == 400
    plan = rest.post(f"/api/v1/contracts/{pk}/delivery-plans/", {"planned_on": "2026-03-01", "content": "安装"},
                     format="json")
    assert plan.status_code == 201
    speak_chinese(tenant_a, org.sales1)
    rest.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    zh = rest.post("/api/v1/contracts/", {"customer": customer.pk, "title": "t"}, format="json")
    assert zh.status_code == 400 and zh.json()["errors"]["lines"] == ["该字段是必填项。"]


def test_the_boss_sets_the_number_pattern(org, tenant_a, client_for):
    web = client_for(tenant_a, org.boss)
    page = web.post("/contracts/numbering/", {"contract": "HT-{SEQ}", "order": "DD{YYYY}-{SEQ:5}",
                                              "shipment": "FH{YYYY}-{SEQ:5}", "payment": "HK{YYYY}-{SEQ:5}"})
    assert page.status_code == 200 and "The pattern needs the year" in page.content.decode()
    assert web.post("/contracts/numbering/", {"contract": "SC{YY}{MM}{SEQ:3}", "order": "DD{YYYY}-{SEQ:5}",
                                              "shipment": "FH{YYYY}-{SEQ:5}",
                                              "payment": "HK{YYYY}-{SEQ:5}"}).status_code == 302
    customer = add(tenant_a, org.boss, "样式客户")
    p = product(tenant_a, org.boss, "样式产品")
    c = contract(tenant_a, org.boss, customer, [(p, "1", "1", "0")], start_on=date(2026, 1, 5))
    assert c.number.startswith("SC") and len(c.number) == 2 + 2 + 2 + 3
    assert client_for(tenant_a, org.sales1).get("/contracts/numbering/").status_code == 403
