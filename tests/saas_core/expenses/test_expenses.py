"""Expense claims (EXP-01): rules with field errors, the approval flow (amount condition), the
customer 360° panel's total (SQL aggregate), tenant isolation by every URL, API and export, and
the data scope per role."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from saas_core.approvals import flows
from saas_core.approvals import services as approvals
from saas_core.dictionaries.models import DictionaryItem
from saas_core.expenses import services
from saas_core.expenses.models import Expense
from saas_core.tenancy import company_today
from tests.conftest import api, in_tenant
from tests.saas_core.expenses.conftest import add, contract, product

pytestmark = pytest.mark.django_db
SECRET = "Alpha-only dinner"


def _type(key: str = "travel"):
    return DictionaryItem.objects.filter(type__key="expense_type").order_by("id").first()


def expense(tenant, owner, amount: str = "100", **fields) -> Expense:
    with in_tenant(tenant):
        return services.create_expense(by=owner, type=_type(), amount=amount, check_permission=False, **fields)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_bad_claims_are_refused_with_the_field_named(org, tenant_a):
    customer = add(tenant_a, org.sales1, "报销客户")
    other = add(tenant_a, org.sales_w, "别人的客户")
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as caught:
            services.create_expense(by=org.sales1, type=None, amount="-5",
                                    spent_on=company_today() + timedelta(days=2), customer=other)
        errors = caught.value.message_dict
        assert set(errors) == {"type", "amount", "spent_on", "customer"}
        assert errors["amount"] == ["The amount must be more than zero."]
        with pytest.raises(ValidationError, match="more than 2 decimal|decimal"):
            services.create_expense(by=org.sales1, type=_type(), amount="1.234567")
        made = services.create_expense(by=org.sales1, type=_type(), amount="88.50", customer=customer,
                                       description="出租车")
        assert made.amount == Decimal("88.50") and made.status == Expense.Status.DRAFT
        assert made.spent_on == company_today()


def test_a_claim_linked_to_a_contract_takes_its_customer(org, tenant_a):
    customer = add(tenant_a, org.sales1, "合同费用客户")
    p = product(tenant_a, org.boss, "费用产品")
    c = contract(tenant_a, org.sales1, customer, [(p, "1", "100", "0")])
    made = expense(tenant_a, org.sales1, contract=c)
    assert made.customer_id == customer.pk


def test_a_big_claim_goes_through_the_flow_and_its_amount_is_locked_while_pending(org, tenant_a):
    with in_tenant(tenant_a):
        flows.save_route("expenses.expense", None, {"name": "Big", "priority": 1, "conditions": [
            {"field": "amount", "op": "gt", "value": "1000"}], "nodes": [
            {"name": "Manager", "approver": "superior", "levels": 1, "mode": "any"}]}, by=org.boss)
    small, big = expense(tenant_a, org.sales1, "300"), expense(tenant_a, org.sales1, "5000")
    with in_tenant(tenant_a):
        assert approvals.approval_state(small) == approvals.NONE
        services.approve_without_flow(small, by=org.manager)
        assert small.status == Expense.Status.APPROVED
        with pytest.raises(ValidationError, match="approval flow"):
            services.approve_without_flow(big, by=org.manager)
        approval = approvals.submit(big, by=org.sales1)
        big.refresh_from_db()
        assert big.status == Expense.Status.PENDING_APPROVAL
        with pytest.raises(ValidationError):
            services.update_expense(big, by=org.sales1, amount="10")
        approvals.reject(approval, by=org.manager, comment="No receipt")
        big.refresh_from_db()
        assert big.status == Expense.Status.REJECTED
        services.update_expense(big, by=org.sales1, amount="4000")
        assert big.status == Expense.Status.DRAFT
        approvals.approve(approvals.submit(big, by=org.sales1), by=org.manager)
        big.refresh_from_db()
        assert big.status == Expense.Status.APPROVED
        with pytest.raises(ValidationError, match="Only a draft or rejected"):
            services.update_expense(big, by=org.sales1, amount="1")


def test_the_customer_360_shows_the_expense_total_of_what_the_user_sees(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "三六零费用客户")
    expense(tenant_a, org.sales1, "100.50", customer=customer)
    expense(tenant_a, org.sales1, "200", customer=customer)
    with in_tenant(tenant_a):
        assert services.customer_totals(org.sales1, customer) == {
            "total": Decimal("300.50"), "count": 2, "approved": Decimal(0)}
        assert services.customer_totals(org.sales_w, customer)["count"] == 0  # outside their scope
    html = client_for(tenant_a, org.sales1).get(f"/customers/{customer.pk}/panels/expenses/").content.decode()
    assert 'data-testid="customer-expense"' in html and "300.50" in html


def test_company_b_cannot_reach_company_a_expenses(org, tenant_a, tenant_b, client_for, make_user):
    customer = add(tenant_a, org.boss, "Alpha expense customer")
    e = expense(tenant_a, org.boss, "77", customer=customer, description=SECRET)
    with in_tenant(tenant_b):
        assert not Expense._base_manager.filter(pk=e.pk).exists(), "pick ids B does not have"
    boss_b = make_user(tenant_b, role="boss", username="boss-b-expenses")
    web = client_for(tenant_b, boss_b)
    for method, url in [("get", f"/expenses/{e.pk}/"), ("get", f"/expenses/{e.pk}/edit/"),
                        ("post", f"/expenses/{e.pk}/edit/"), ("post", f"/expenses/{e.pk}/approve/"),
                        ("get", f"/expenses/{e.pk}/delete/"), ("post", f"/expenses/{e.pk}/delete/"),
                        ("get", f"/attachments/expense/{e.pk}/")]:
        assert getattr(web, method)(url).status_code == 404, (method, url)
    for url in ("/expenses/", "/expenses/?q=Alpha", "/imports/export/expenses.xlsx"):
        assert SECRET.encode() not in _body(web.get(url)), url
    rest = api(tenant_b, boss_b)
    assert rest.get(f"/api/v1/expenses/{e.pk}/").status_code == 404
    assert rest.patch(f"/api/v1/expenses/{e.pk}/", {"amount": "1"}, format="json").status_code == 404
    assert rest.delete(f"/api/v1/expenses/{e.pk}/").status_code == 404
    assert SECRET not in rest.get("/api/v1/expenses/").content.decode()


def test_each_role_sees_the_claims_of_its_scope_in_the_list_api_and_export(org, tenant_a, client_for):
    east = expense(tenant_a, org.sales1, "11", description="East claim")
    west = expense(tenant_a, org.sales_w, "22", description="West claim")
    expected = {"boss": {east.pk, west.pk}, "manager": {east.pk}, "sales1": {east.pk}, "sales_w": {west.pk}}
    for name, ids in expected.items():
        user = getattr(org, name)
        rest = api(tenant_a, user)
        assert {row["id"] for row in rest.get("/api/v1/expenses/").json()["results"]} == ids, name
        web = client_for(tenant_a, user)
        assert (web.get(f"/expenses/{west.pk}/").status_code == 200) is (west.pk in ids), name
        export = web.get("/imports/export/expenses.xlsx")
        assert export.status_code == 200 or name.startswith("sales"), name  # sales may not export by default
        if export.status_code == 200:
            book = load_workbook(io.BytesIO(_body(export)))
            described = {row[-1] for row in book.active.iter_rows(min_row=2, values_only=True)}
            assert described == {e.description for e in (east, west) if e.pk in ids}, name


def test_the_api_creates_a_claim_and_answers_bad_input_with_a_field_map(org, tenant_a):
    rest = api(tenant_a, org.sales1)
    with in_tenant(tenant_a):
        kind = _type().pk
    bad = rest.post("/api/v1/expenses/", {"type": kind, "amount": "0"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["amount"] == ["The amount must be more than zero."]
    made = rest.post("/api/v1/expenses/", {"type": kind, "amount": "12.30", "description": "停车"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "draft" and made.json()["owner"] == org.sales1.pk


def test_the_pages_list_create_and_show_a_claim(org, tenant_a, client_for):
    web = client_for(tenant_a, org.sales1)
    with in_tenant(tenant_a):
        kind = _type().pk
    assert web.get("/expenses/new/").status_code == 200
    bad = web.post("/expenses/new/", {"type": kind, "amount": "-1"})
    assert bad.status_code == 200 and "The amount must be more than zero." in bad.content.decode()
    saved = web.post("/expenses/new/", {"type": kind, "amount": "66", "description": "Lunch with client"})
    assert saved.status_code == 302
    detail = web.get(saved["Location"]).content.decode()
    assert 'data-testid="approval-panel"' in detail and "Lunch with client" in detail
    assert "Lunch" not in web.get("/expenses/?q=nothing-like-it").content.decode()
    assert 'data-testid="expense-row"' in web.get("/expenses/").content.decode()
