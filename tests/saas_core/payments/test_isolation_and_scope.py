"""Tenant isolation (another company's plan, payment and invoice ids are 404 on pages, API,
exports and files) and the data scope per role for the receivables pages, API, exports, the
workbench's receivables and the customer 360° panels."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from saas_core.payments import services
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord
from saas_core.tenancy import company_today
from tests.conftest import api, in_tenant
from tests.saas_core.payments.conftest import signed_contract

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _receivables(tenant, owner, by, name: str):
    """A contract of ``owner`` with a plan, a payment on it and an invoice whose title is ``name``."""
    contract = signed_contract(tenant, owner, name)
    with in_tenant(tenant):
        today = company_today()
        plan = services.add_plan(contract, by=by, due_on=today, amount="300", note=name)
        record = services.record_payment(contract, by=by, received_on=today, amount="100", plans=[plan],
                                         payer=name)
        invoice = services.issue_invoice(contract, by=by, record=record, amount="100", issued_on=today, title=name,
                                         invoice_number=f"INV-{name}")
    return contract, plan, record, invoice


def test_company_b_cannot_reach_company_a_receivables(org, tenant_a, tenant_b, client_for, make_user):
    secret = "Alpha-receivable"
    contract, plan, record, invoice = _receivables(tenant_a, org.sales1, org.sales1, secret)
    with in_tenant(tenant_b):
        assert not PaymentPlan._base_manager.filter(pk=plan.pk).exists(), "pick ids B does not have"
        assert not PaymentRecord._base_manager.filter(pk=record.pk).exists()
        assert not Invoice._base_manager.filter(pk=invoice.pk).exists()
    boss_b = make_user(tenant_b, role="boss", username="boss-b-payments")
    web = client_for(tenant_b, boss_b)
    for method, url in [
        ("get", f"/payments/plans/{plan.pk}/"), ("get", f"/payments/plans/{plan.pk}/edit/"),
        ("post", f"/payments/plans/{plan.pk}/void/"), ("get", f"/payments/plans/{plan.pk}/delete/"),
        ("get", f"/payments/received/{record.pk}/"), ("post", f"/payments/received/{record.pk}/plan/"),
        ("post", f"/payments/received/{record.pk}/delete/"), ("get", f"/payments/invoices/{invoice.pk}/"),
        ("post", f"/payments/invoices/{invoice.pk}/delete/"),
        ("get", f"/payments/plans/new/?contract={contract.pk}"), ("get", f"/payments/received/new/?plan={plan.pk}"),
        ("get", f"/payments/invoices/new/?record={record.pk}"),
        ("post", f"/payments/received/new/?contract={contract.pk}"),
        ("get", f"/attachments/payment_record/{record.pk}/"), ("get", f"/attachments/invoice/{invoice.pk}/"),
    ]:
        response = getattr(web, method)(url, {"amount": "1"} if method == "post" else {})
        assert response.status_code == 404, (method, url, response.status_code)
    for url in ("/payments/plans/", "/payments/received/?q=Alpha", "/payments/invoices/",
                "/imports/export/payment_plans.xlsx", "/imports/export/payment_records.xlsx",
                "/imports/export/invoices.xlsx", "/"):
        body = _body(web.get(url))
        assert secret.encode() not in body and record.number.encode() not in body, url
    rest = api(tenant_b, boss_b)
    for path in (f"payment-plans/{plan.pk}", f"payment-records/{record.pk}", f"invoices/{invoice.pk}"):
        assert rest.get(f"/api/v1/{path}/").status_code == 404
        assert rest.delete(f"/api/v1/{path}/").status_code == 404
    assert rest.post(f"/api/v1/payment-plans/{plan.pk}/void/").status_code == 404
    assert rest.post(f"/api/v1/payment-records/{record.pk}/plan/").status_code == 404
    made = rest.post("/api/v1/payment-plans/", {"contract": contract.pk, "due_on": "2026-01-01", "amount": "1"},
                     format="json")
    assert made.status_code == 404
    for path in ("payment-plans", "payment-records", "invoices"):
        assert secret not in rest.get(f"/api/v1/{path}/").content.decode()


EAST, WEST = "华东回款", "华西回款"
EXPECTED = {
    "boss": {EAST, WEST}, "director": {EAST, WEST}, "manager": {EAST}, "sales1": {EAST}, "sales_w": {WEST},
    "customer_service": None, "system_maintainer": None,
}


@pytest.fixture
def world(org, tenant_a):
    east = _receivables(tenant_a, org.sales1, org.sales1, EAST)
    west = _receivables(tenant_a, org.sales_w, org.sales_w, WEST)
    users = {"boss": org.boss, "director": org.director, "manager": org.manager, "sales1": org.sales1,
             "sales_w": org.sales_w, "customer_service": org.cs, "system_maintainer": org.maintainer}
    return users, {EAST: east, WEST: west}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_data_scope_per_role(world, role, tenant_a, client_for):
    users, docs = world
    user, expected = users[role], EXPECTED[role]
    web, rest = client_for(tenant_a, user), api(tenant_a, user)
    if expected is None:
        for url in ("/payments/plans/", "/payments/received/", "/payments/invoices/"):
            assert web.get(url).status_code == 403
        assert rest.get("/api/v1/payment-records/").status_code == 403
        assert web.get(f"/payments/plans/{docs[EAST][1].pk}/").status_code == 403
        return
    page = web.get("/payments/received/").content.decode()
    assert {name for name in (EAST, WEST) if docs[name][2].number in page} == expected
    assert {row["customer_name"] for row in rest.get("/api/v1/payment-plans/").json()["results"]} == expected
    assert {row["title"] for row in rest.get("/api/v1/invoices/").json()["results"]} == expected
    export = web.get("/imports/export/invoices.xlsx")
    if export.status_code == 200:
        cells = {c.value for row in load_workbook(io.BytesIO(_body(export))).active.iter_rows() for c in row}
        assert {name for name in (EAST, WEST) if name in cells} == expected
    for name, (_contract, plan, record, invoice) in docs.items():
        seen = name in expected
        assert web.get(f"/payments/plans/{plan.pk}/").status_code == (200 if seen else 404), (role, name)
        assert web.get(f"/payments/received/{record.pk}/").status_code == (200 if seen else 404)
        assert web.get(f"/payments/invoices/{invoice.pk}/").status_code == (200 if seen else 404)
        assert rest.get(f"/api/v1/payment-records/{record.pk}/").status_code == (200 if seen else 404)
    workbench = web.get("/").content.decode()
    assert {name for name in (EAST, WEST) if f"{docs[name][0].number} installment 1" in workbench} == expected
    customer_id = docs[EAST][0].customer_id
    if EAST in expected:
        panel = web.get(f"/customers/{customer_id}/panels/payments/")
        assert panel.status_code == 200 and docs[EAST][2].number in panel.content.decode()
        totals = web.get(f"/customers/{customer_id}/panels/business_totals/").content.decode()
        assert 'data-testid="total-received">100.00<' in totals
