"""Receivables as a user meets them: the contract page's payments block and the forms behind it
(field errors in both languages), the API's 400 field maps, the contract list's received % and
"k/n" columns, the workbench's receivables, the customer 360° business totals and monthly
statement, the top-10 customer charts, and payment records going through an approval flow."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saas_core.payments import figures, services
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord
from saas_core.tenancy import company_today
from tests.conftest import api, in_tenant
from tests.saas_core.payments.conftest import signed_contract

pytestmark = pytest.mark.django_db


def test_plan_receive_and_invoice_from_the_contract_page(org, tenant_a, client_for, deal):
    web = client_for(tenant_a, org.sales1)
    page = web.get(f"/contracts/{deal.pk}/").content.decode()
    assert 'data-testid="add-payment-plan"' in page and "No payment plans." in page
    today = company_today()
    answer = web.post(f"/payments/plans/new/?contract={deal.pk}", {"due_on": today.isoformat(), "amount": "400",
                                                                   "remind_days": "3"})
    assert answer.status_code == 302 and answer["Location"].endswith(f"/contracts/{deal.pk}/#payments")
    with in_tenant(tenant_a):
        plan = PaymentPlan.objects.get(contract=deal)
    form = web.get(f"/payments/received/new/?plan={plan.pk}").content.decode()
    assert 'value="400.00"' in form
    answer = web.post(f"/payments/received/new/?plan={plan.pk}", {
        "contract": deal.pk, "received_on": today.isoformat(), "amount": "400", "plans": [plan.pk], "payer": "付款人"})
    assert answer.status_code == 302
    with in_tenant(tenant_a):
        record = PaymentRecord.objects.get(contract=deal)
        plan.refresh_from_db()
        assert plan.received == Decimal("400") and record.payer == "付款人"
    form = web.get(f"/payments/invoices/new/?record={record.pk}").content.decode()
    assert 'value="400.00"' in form and deal.customer.name in form
    answer = web.post(f"/payments/invoices/new/?record={record.pk}", {
        "contract": deal.pk, "record": record.pk, "kind": "electronic", "amount": "400", "issued_on": today.isoformat(),
        "title_type": "company", "title": "回款客户"})
    assert answer.status_code == 302
    with in_tenant(tenant_a):
        assert Invoice.objects.get(contract=deal).record_id == record.pk
    page = web.get(f"/contracts/{deal.pk}/").content.decode()
    assert 'data-testid="document-received">400.00<' in page and 'data-testid="document-invoiced">400.00<' in page
    assert 'data-status="done"' in page


def test_form_errors_name_the_problem_in_both_languages(org, tenant_a, client_for, deal):
    from tests.saas_core.contracts.conftest import speak_chinese

    today = company_today().isoformat()
    speak_chinese(tenant_a, org.sales1)
    web = client_for(tenant_a, org.sales1, HTTP_ACCEPT_LANGUAGE="zh-hans")
    answer = web.post(f"/payments/plans/new/?contract={deal.pk}", {"amount": "-1"})
    page = answer.content.decode()
    # Each problem next to its field, in the page's language (the form's and the service's rules).
    assert answer.status_code == 400
    assert 'data-error-for="due_on">该字段是必填项。<' in page
    answer = web.post(f"/payments/plans/new/?contract={deal.pk}", {"due_on": today, "amount": "-1"})
    assert answer.status_code == 400 and 'data-error-for="amount">' in answer.content.decode()
    speak_chinese(tenant_a, org.sales1, "en")
    english = client_for(tenant_a, org.sales1)
    answer = english.post(f"/payments/plans/new/?contract={deal.pk}", {"due_on": today, "amount": "2000"})
    assert answer.status_code == 400 and "The plans would come to more than the total of 1000.00" in \
        answer.content.decode()
    # A salesperson does not get the override box; nothing was saved.
    assert 'name="override_reason"' not in answer.content.decode()
    with in_tenant(tenant_a):
        assert not PaymentPlan.objects.filter(contract=deal).exists()


def test_the_api_answers_400_with_a_field_map(org, tenant_a, deal):
    rest = api(tenant_a, org.sales1)
    today = company_today()
    made = rest.post("/api/v1/payment-plans/", {"contract": deal.pk, "due_on": today.isoformat(), "amount": "600"},
                     format="json")
    assert made.status_code == 201, made.content
    assert made.json()["installment"] == 1 and made.json()["status"] == "pending"
    over = rest.post("/api/v1/payment-plans/", {"contract": deal.pk, "due_on": today.isoformat(), "amount": "500"},
                     format="json")
    assert over.status_code == 400 and "more than the total" in over.json()["errors"]["amount"][0]
    early = rest.post("/api/v1/payment-plans/", {"contract": deal.pk, "due_on": (today - timedelta(days=1)).isoformat(),
                                                 "amount": "-3"}, format="json")
    assert early.status_code == 400 and set(early.json()["errors"]) == {"amount", "due_on"}
    neither = rest.post("/api/v1/payment-records/", {"received_on": today.isoformat(), "amount": "1"}, format="json")
    assert neither.status_code == 400 and "contract" in neither.json()["errors"]
    paid = rest.post("/api/v1/payment-records/", {"contract": deal.pk, "received_on": today.isoformat(),
                                                  "amount": "100", "plans": [made.json()["id"]]}, format="json")
    assert paid.status_code == 201 and paid.json()["status"] == "confirmed"
    invoiced = rest.post("/api/v1/invoices/", {"contract": deal.pk, "amount": "1001", "issued_on": today.isoformat(),
                                               "title": "X"}, format="json")
    assert invoiced.status_code == 400 and "amount" in invoiced.json()["errors"]
    zh = api(tenant_a, org.sales1)
    zh.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    negative = zh.post("/api/v1/invoices/", {"contract": deal.pk, "amount": "-1", "issued_on": today.isoformat(),
                                             "title": "X"}, format="json")
    assert negative.status_code == 400 and "amount" in negative.json()["errors"]


def test_the_contract_list_shows_received_percent_and_plan_progress_without_a_query_per_row(
        org, tenant_a, client_for, deal):
    today = company_today()
    with in_tenant(tenant_a):
        one = services.add_plan(deal, by=org.sales1, due_on=today, amount="250")
        services.add_plan(deal, by=org.sales1, due_on=today, amount="250")
        services.record_payment(deal, by=org.sales1, received_on=today, amount="250", plans=[one])
    web = client_for(tenant_a, org.sales1)
    page = web.get("/contracts/").content.decode()
    assert 'data-testid="contract-received">25%<' in page and 'data-testid="contract-plan-progress">1/2<' in page
    with CaptureQueriesContext(connection) as few:
        web.get("/contracts/")
    for n in range(4):
        signed_contract(tenant_a, org.sales1, f"列表客户{n}")
    with CaptureQueriesContext(connection) as many:
        web.get("/contracts/")
    assert len(many) == len(few)


def test_the_workbench_shows_overdue_and_due_soon_receivables(org, tenant_a, client_for, deal):
    today = company_today()
    with in_tenant(tenant_a):
        late = services.add_plan(deal, by=org.sales1, due_on=today - timedelta(days=3), amount="300")
        services.add_plan(deal, by=org.sales1, due_on=today + timedelta(days=10), amount="200")
        services.add_plan(deal, by=org.sales1, due_on=today + timedelta(days=60), amount="100")
        services.record_payment(deal, by=org.sales1, received_on=today, amount="100", plans=[late])
        got = figures.receivables(org.sales1)
    assert (got["overdue_count"], got["overdue"], got["soon_count"], got["soon"]) == (1, Decimal("200"), 1,
                                                                                      Decimal("200"))
    page = client_for(tenant_a, org.sales1).get("/").content.decode()
    assert 'data-testid="receivables-overdue">200.00<' in page and 'data-testid="receivables-soon">200.00<' in page
    # Someone outside the scope sees none of it.
    with in_tenant(tenant_a):
        assert figures.receivables(org.sales_w)["overdue_count"] == 0


def test_business_totals_and_the_monthly_statement(org, tenant_a, deal):
    from saas_core.contracts import services as contracts

    today = company_today()
    with in_tenant(tenant_a):
        services.add_plan(deal, by=org.sales1, due_on=today, amount="800")
        contracts.record_delivery(deal, by=org.sales1, delivered_on=today, content="第一批", amount="500")
        services.record_payment(deal, by=org.sales1, received_on=today, amount="300")
        services.issue_invoice(deal, by=org.sales1, amount="200", issued_on=today, title="X")
        totals = figures.business_totals(org.sales1, deal.customer)
        statement = figures.monthly_statement(org.sales1, deal.customer)
        outsider = figures.business_totals(org.sales_w, deal.customer)
    assert (totals.contracts, totals.planned, totals.received, totals.delivered, totals.invoiced,
            totals.outstanding) == (Decimal("1000"), Decimal("800"), Decimal("300"), Decimal("500"), Decimal("200"),
                                    Decimal("700"))
    assert statement == [{"month": today.replace(day=1), "delivered": Decimal("500"), "received": Decimal("300"),
                          "balance": Decimal("200")}]
    assert outsider.contracts == 0 and outsider.received == 0


def test_top_ten_charts_rank_the_customers_of_the_list_within_the_scope(org, tenant_a, client_for):
    big = signed_contract(tenant_a, org.sales1, "大客户", total="5000")
    small = signed_contract(tenant_a, org.sales1, "小客户", total="800")
    signed_contract(tenant_a, org.sales_w, "西部客户", total="9000")
    today = company_today()
    with in_tenant(tenant_a):
        services.record_payment(small, by=org.sales1, received_on=today, amount="700")
        services.record_payment(big, by=org.sales1, received_on=today, amount="100")
    data = client_for(tenant_a, org.sales1).get("/customers/charts/data/").json()
    charts = {c["key"]: c["data"] for c in data["charts"]}
    assert [r["label"] for r in charts["top_contracts"]] == ["大客户", "小客户"]
    assert [(r["label"], r["value"]) for r in charts["top_payments"]] == [("小客户", 700.0), ("大客户", 100.0)]
    page = client_for(tenant_a, org.sales1).get("/customers/charts/").content.decode()
    assert 'data-chart="top_contracts"' in page and 'data-chart="top_payments"' in page


def test_a_payment_over_the_flow_amount_counts_only_once_approved(org, tenant_a, deal):
    from saas_core.approvals import flows
    from saas_core.approvals import services as approvals

    today = company_today()
    with in_tenant(tenant_a):
        flows.save_route("payments.record", None, {
            "name": "大额回款", "priority": 1, "conditions": [{"field": "amount", "op": "gt", "value": "500"}],
            "nodes": [{"name": "总监", "approver": "users", "users": [org.director.pk], "mode": "any"}]}, by=org.boss)
        flows.save_settings("payments.record", by=org.boss, empty_node="boss", resubmit="start")
        plan = services.add_plan(deal, by=org.sales1, due_on=today, amount="900")
        small = services.record_payment(deal, by=org.sales1, received_on=today, amount="100", plans=[plan])
        big = services.record_payment(deal, by=org.sales1, received_on=today, amount="600", plans=[plan])
        assert (small.status, big.status) == ("confirmed", "draft")
        plan.refresh_from_db()
        assert plan.received == Decimal("100")
        approval = approvals.submit(big, by=org.sales1)
        big.refresh_from_db()
        assert big.status == "pending_approval"
        approvals.approve(approval, by=org.director)
        big.refresh_from_db(), plan.refresh_from_db()
        assert big.status == "confirmed" and plan.received == Decimal("700")
