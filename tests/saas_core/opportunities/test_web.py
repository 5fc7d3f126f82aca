"""The opportunity pages: list, board, detail, form errors in both languages, stage change, the
customer 360° panel, the workbench, the Boss's types page, and the linked follow-ups and tasks."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from saas_core.dictionaries.services import get_item
from saas_core.opportunities.models import Opportunity, OpportunityType
from tests.conftest import in_tenant
from tests.saas_core.opportunities.conftest import add, opportunity, stage, standard_type

pytestmark = pytest.mark.django_db


def test_list_board_detail_and_export_show_the_opportunity(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "华东列表客户")
    deal = opportunity(tenant_a, org.sales1, customer, "Listed deal", expected_amount=Decimal("5000.00"))
    web = client_for(tenant_a, org.boss)
    page = web.get("/opportunities/").content.decode()
    assert "Listed deal" in page and "5000.00" in page and 'data-testid="opportunity-row"' in page
    board = web.get("/opportunities/board/").content.decode()
    assert "Listed deal" in board and 'data-testid="kanban-column"' in board
    detail = web.get(f"/opportunities/{deal.pk}/").content.decode()
    assert "Initial contact" in detail and 'data-testid="stage-history"' in detail and "0 days in this stage" in detail
    export = web.get("/imports/export/opportunities.xlsx?q=Listed")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Listed deal" and Decimal(str(rows[1][5])) == Decimal("5000")


def test_board_columns_show_the_newest_cards_of_the_viewers_scope_with_full_counts(org, tenant_a, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine, theirs = add(tenant_a, org.sales1, "看板客户甲"), add(tenant_a, org.sales_w, "看板客户乙")
    for i in range(22):
        opportunity(tenant_a, org.sales1, mine, f"Card-{i:02d}", expected_amount=Decimal("10.00"))
    opportunity(tenant_a, org.sales1, mine, "Won-card", stage_name="Won", expected_amount=Decimal("7.50"))
    opportunity(tenant_a, org.sales_w, theirs, "Not-mine", stage_name="Won")
    with in_tenant(tenant_a):
        tender = OpportunityType.objects.get(name_en="Tender")
    opportunity(tenant_a, org.sales1, mine, "Tender-card", type=tender)
    web = client_for(tenant_a, org.sales1)
    with CaptureQueriesContext(connection) as captured:
        board = web.get("/opportunities/board/").content.decode()
    columns = board.split('data-testid="kanban-column"')[1:]
    first, won = columns[0], next(c for c in columns if 'data-outcome="won"' in c)
    shown = [i for i in range(22) if f">Card-{i:02d}</a>" in first]
    assert shown == list(range(2, 22)) and first.index("Card-21") < first.index("Card-02")
    assert '<span data-testid="column-count">22</span>' in first and "Amount: 220.00" in first
    assert "All in this stage" in first and "Won-card" in won and "Not-mine" not in board and "Tender-card" not in board
    assert '<span data-testid="column-count">1</span>' in won and "Amount: 7.50" in won
    # The cards of every column in one query and the counts in another, whatever the number of stages.
    assert sum('"opportunities_opportunity"' in q["sql"] for q in captured.captured_queries) == 2
    wanted = web.get("/opportunities/board/?q=Card-0").content.decode()
    assert "Card-05" in wanted and "Card-15" not in wanted


def test_list_filters_and_sorting(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "筛选客户")
    opportunity(tenant_a, org.sales1, customer, "Small one", expected_amount=Decimal("10"))
    opportunity(tenant_a, org.sales1, customer, "Big one", expected_amount=Decimal("900"), stage_name="Won")
    web = client_for(tenant_a, org.boss)
    won = web.get("/opportunities/?outcome=won").content.decode()
    assert "Big one" in won and "Small one" not in won
    page = web.get("/opportunities/?sort=-expected_amount").content.decode()
    assert page.index("Big one") < page.index("Small one")
    bad = web.get("/opportunities/?found_from=2026-02-01&found_to=2026-01-01").content.decode()
    assert "The end of the window must not be before its start." in bad


def test_create_from_the_customer_with_field_errors_in_both_languages(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "表单客户")
    with in_tenant(tenant_a):
        kind = standard_type()
        foreign = OpportunityType.objects.get(name_en="Tender").stages.first()
    web = client_for(tenant_a, org.sales1)
    form = web.get(f"/opportunities/new/?customer={customer.pk}").content.decode()
    assert "表单客户" in form
    data = {"subject": "Deal", "customer": customer.pk, "type": kind.pk, "stage": foreign.pk, "found_on": "2026-12-01",
            "owner": org.sales1.pk, "expected_amount": "10.555"}
    page = web.post(f"/opportunities/new/?customer={customer.pk}", data).content.decode()
    assert "is a stage of another opportunity type" in page
    data["stage"] = ""
    page = web.post(f"/opportunities/new/?customer={customer.pk}", data).content.decode()
    assert "At most 2 decimal places are allowed." in page
    with in_tenant(tenant_a):
        type(org.sales1).objects.filter(pk=org.sales1.pk).update(language="zh-hans")
    zh = client_for(tenant_a, org.sales1, HTTP_ACCEPT_LANGUAGE="zh-hans")
    zh_page = zh.post(f"/opportunities/new/?customer={customer.pk}", {**data, "subject": ""}).content.decode()
    assert "该字段是必填项。" in zh_page and 'data-error-for="subject"' in zh_page
    with in_tenant(tenant_a):
        assert not Opportunity.objects.filter(customer=customer).exists()
    data["expected_amount"] = "10.55"
    done = web.post(f"/opportunities/new/?customer={customer.pk}&next=/customers/{customer.pk}/", data)
    assert done.status_code == 302 and done["Location"] == f"/customers/{customer.pk}/"
    with in_tenant(tenant_a):
        deal = Opportunity.objects.get(customer=customer)
        assert deal.expected_amount == Decimal("10.55") and deal.stage.name_en == "Initial contact"


def test_the_form_offers_the_contacts_of_the_customer_chosen(org, tenant_a, tenant_b, client_for, make_user):
    mine = add(tenant_a, org.sales1, "联系人客户甲", contact={"name": "王经理"})
    theirs = add(tenant_a, org.sales_w, "联系人客户乙", contact={"name": "赵总"})
    web = client_for(tenant_a, org.sales1)
    empty = web.get("/opportunities/new/").content.decode()
    assert "Choose the customer first; its contacts then appear here." in empty and 'data-contacts-url="/opportunities/contacts/"' in empty
    assert web.get(f"/opportunities/contacts/?customer={mine.pk}").json()["results"][0]["text"] == "王经理"
    # A customer outside the scope, a bad id, another company's: nothing.
    for raw in (theirs.pk, "x", ""):
        assert web.get(f"/opportunities/contacts/?customer={raw}").json() == {"results": []}
    with in_tenant(tenant_b):
        from saas_core.customers.models import Customer

        assert not Customer.objects.filter(pk=mine.pk).exists(), "an id company B does not have"
    boss_b = make_user(tenant_b, role="boss", username="boss-b-contacts")
    assert client_for(tenant_b, boss_b).get(f"/opportunities/contacts/?customer={mine.pk}").json() == {"results": []}
    assert client_for(tenant_a, org.cs).get(f"/opportunities/contacts/?customer={mine.pk}").status_code == 403


def test_stage_change_from_the_page_and_the_board(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "看板客户")
    deal = opportunity(tenant_a, org.sales1, customer, "Dragged")
    with in_tenant(tenant_a):
        kind = standard_type()
        proposal, lost, won = stage(kind, "Proposal and quote"), stage(kind, "Lost"), stage(kind, "Won")
        foreign = OpportunityType.objects.get(name_en="Tender").stages.first()
        reason = get_item("lost_reason", "budget")
    web = client_for(tenant_a, org.sales1)
    web.post(f"/opportunities/{deal.pk}/stage/", {"stage": proposal.pk, "note": "Proposal out"})
    with in_tenant(tenant_a):
        assert Opportunity.objects.get(pk=deal.pk).stage == proposal
    as_json = {"HTTP_ACCEPT": "application/json"}
    refused = web.post(f"/opportunities/{deal.pk}/stage/", {"stage": lost.pk}, **as_json)
    assert refused.status_code == 400 and refused.json()["errors"]["lost_reason"] == ["Choose why the opportunity was lost."]
    other = web.post(f"/opportunities/{deal.pk}/stage/", {"stage": foreign.pk}, **as_json)
    assert other.status_code == 400 and "stage" in other.json()["errors"]
    ok = web.post(f"/opportunities/{deal.pk}/stage/", {"stage": lost.pk, "lost_reason": reason.pk}, **as_json)
    assert ok.status_code == 200 and ok.json()["probability"] == 0
    assert web.post(f"/opportunities/{deal.pk}/stage/", {"stage": won.pk}, **as_json).json()["probability"] == 100
    history = web.get(f"/opportunities/{deal.pk}/").content.decode()
    assert history.count('data-testid="stage-change"') == 4 and "Proposal out" in history


def test_the_customer_360_panel_and_the_workbench(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "全景客户")
    opportunity(tenant_a, org.sales1, customer, "Panel deal")
    web = client_for(tenant_a, org.sales1)
    panel = web.get(f"/customers/{customer.pk}/panels/opportunities/").content.decode()
    assert "Panel deal" in panel and 'data-testid="add-opportunity"' in panel
    detail = web.get(f"/customers/{customer.pk}/").content.decode()
    assert "Opportunities" in detail
    bench = web.get("/workbench/").content.decode()
    assert "My open opportunities" in bench and "Panel deal" in bench
    assert "Panel deal" not in client_for(tenant_a, org.sales_w).get("/workbench/").content.decode()


def test_followups_and_tasks_link_to_the_customers_opportunity_and_show_on_it(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "关联客户")
    other = add(tenant_a, org.sales1, "另一个客户")
    deal = opportunity(tenant_a, org.sales1, customer, "Linked deal")
    foreign = opportunity(tenant_a, org.sales1, other, "Other deal")
    web = client_for(tenant_a, org.sales1)
    form = web.get(f"/activities/followups/new/?customer={customer.pk}&opportunity={deal.pk}").content.decode()
    assert "Linked deal" in form and "Other deal" not in form
    bad = web.post(f"/activities/followups/new/?customer={customer.pk}", {"subject": "Call", "opportunity": foreign.pk,
                                                                        "happened_at": "2026-12-01T10:00"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    web.post(f"/activities/followups/new/?customer={customer.pk}", {"subject": "Call about it", "opportunity": deal.pk,
                                                                  "happened_at": "2026-12-01T10:00"})
    web.post(f"/activities/tasks/new/?customer={customer.pk}", {
        "kind": "task", "title": "Send the offer", "opportunity": deal.pk, "starts_at": "2026-12-20T09:00",
        "ends_at": "2026-12-20T10:00"})
    page = web.get(f"/opportunities/{deal.pk}/").content.decode()
    assert "Call about it" in page and "Send the offer" in page
    picks = web.get(f"/opportunities/pick/?customer={customer.pk}").json()["results"]
    assert [p["id"] for p in picks] == [deal.pk]


def test_the_boss_edits_types_and_stages_others_may_not(org, tenant_a, client_for):
    boss = client_for(tenant_a, org.boss)
    assert "Opportunity types and stages" in boss.get("/opportunities/types/").content.decode()
    boss.post("/opportunities/types/", {"action": "save_type", "name_zh": "服务续签", "name_en": "Service renewal"})
    with in_tenant(tenant_a):
        kind = OpportunityType.objects.get(name_en="Service renewal")
    boss.post("/opportunities/types/", {"action": "save_stage", "type": kind.pk, "name_zh": "沟通", "probability": "20",
                                        "outcome": "open"})
    boss.post("/opportunities/types/", {"action": "save_stage", "type": kind.pk, "name_zh": "签约", "probability": "100",
                                        "outcome": "won"})
    bad = boss.post("/opportunities/types/", {"action": "save_stage", "type": kind.pk, "name_zh": "坏",
                                              "probability": "150", "outcome": "open"}).content.decode()
    assert "The probability is a percentage from 0 to 100." in bad
    with in_tenant(tenant_a):
        first, second = kind.stages.order_by("position")
    boss.post("/opportunities/types/", {"action": "down", "stage": first.pk})
    with in_tenant(tenant_a):
        assert list(kind.stages.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    assert client_for(tenant_a, org.manager).get("/opportunities/types/").status_code == 403


def test_batch_transfer_and_delete(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "批量客户")
    a = opportunity(tenant_a, org.sales1, customer, "Batch A")
    b = opportunity(tenant_a, org.sales1, customer, "Batch B")
    web = client_for(tenant_a, org.manager)
    web.post("/opportunities/batch/", {"action": "delete", "ids": [a.pk]})
    with in_tenant(tenant_a):
        assert not Opportunity.objects.filter(pk=a.pk).exists() and Opportunity.all_objects.filter(pk=a.pk).exists()
    web.post("/opportunities/batch/", {"action": "transfer", "to_user": org.sales2.pk, "ids": [b.pk]})
    with in_tenant(tenant_a):
        assert Opportunity.objects.get(pk=b.pk).owner == org.sales2
    refused = client_for(tenant_a, org.sales2).post("/opportunities/batch/", {"action": "delete", "ids": [b.pk]},
                                                    follow=True).content.decode()
    assert "may not delete" in refused


def test_the_list_pages_without_counting_the_whole_scope(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "分页客户")
    for i in range(21):
        opportunity(tenant_a, org.sales1, customer, f"Paged {i:02d}")
    web = client_for(tenant_a, org.sales1)
    first = web.get("/opportunities/?mine=on").content.decode()
    assert first.count('data-testid="opportunity-row"') == 20 and 'data-testid="next-page"' in first
    second = web.get("/opportunities/?mine=on&page=2").content.decode()
    assert second.count('data-testid="opportunity-row"') == 1 and "Paged 00" in second
    assert 'data-testid="next-page"' not in second and "page=1" in second
