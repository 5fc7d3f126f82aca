"""The customer 360° view as issue 14 shapes it: a summary header with key figures and actions,
tabs kept in the URL, heavy panels fetched on demand from panel URLs that check tenant, data
scope and permission like the page, and a 403 naming the owner for a customer out of scope."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from saas_core.activities import services as activities
from saas_core.customers.models import Customer
from saas_core.dictionaries.services import get_item
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import add

pytestmark = pytest.mark.django_db

TAB = re.compile(r'data-tab="([a-z_]+)"')
SELECTED = re.compile(r'class="nav-link active"[^>]*data-tab="([a-z_]+)"')


def _pane(html: str, key: str) -> str:
    start = html.index(f'data-pane="{key}"')
    end = html.find("data-pane=", start + 10)
    return html[start:end if end > 0 else None]


def _busy_customer(tenant, org) -> Customer:
    """A customer of Sales Li with a contact, a follow-up that set the next one, and an open task."""
    customer = add(tenant, org.sales1, "全景科技有限公司", phone="0571 8888 0000",
                   contact={"name": "张三", "mobile": "13800001111"})
    with in_tenant(tenant):
        Customer.objects.filter(pk=customer.pk).update(category=get_item("customer_category", "vip"))
        activities.save_followup(None, by=org.sales1, customer=customer, subject="首次拜访",
                                 happened_at=timezone.now() - timedelta(days=1),
                                 next_on=timezone.localdate() + timedelta(days=3))
        activities.create_task(by=org.sales1, kind="task", title="寄送样品", customer=customer,
                               starts_at=timezone.now() + timedelta(days=1))
    return customer


def test_summary_header_shows_status_category_owner_figures_phone_and_actions(client_for, tenant_a, org):
    customer = _busy_customer(tenant_a, org)
    html = client_for(tenant_a, org.manager).get(f"/customers/{customer.pk}/").content.decode()
    header = html[html.index('data-testid="customer-summary"'):html.index('data-testid="customer-tabs"')]
    assert 'data-testid="summary-status">Prospect<' in header
    assert 'data-testid="summary-category">VIP<' in header
    assert 'data-testid="customer-owner">Sales Sun<' in header
    assert 'href="tel:057188880000"' in header  # the phone dials
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    in_three = (timezone.localdate() + timedelta(days=3)).isoformat()
    figures = dict(re.findall(r'data-figure="([a-z_]+)">(?:<a[^>]*>)?([^<]*)<', header))
    assert figures == {"contacts": "1", "last_contact": yesterday, "next_contact": in_three, "open_tasks": "1",
                       "open_opportunities": "0", "open_quotes": "0",
                       "running_contracts": "0", "open_orders": "0", "outstanding": "0.00",
                       "expense_total": "0"}
    for action in ("action-followup", "action-task", "edit-customer", "share-customer", "delete-customer"):
        assert f'data-testid="{action}"' in header, action
    assert f'href="/customers/{customer.pk}/delete/"' in header  # to the confirmation page, then the bin
    # A role that may not delete, or add activities, sees no such buttons.
    cs = client_for(tenant_a, org.cs).get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="delete-customer"' not in cs and 'data-testid="edit-customer"' not in cs


def test_the_360_stylesheet_is_linked_in_the_head_not_the_body(client_for, tenant_a, org):
    customer = _busy_customer(tenant_a, org)
    html = client_for(tenant_a, org.manager).get(f"/customers/{customer.pk}/").content.decode()
    head, body = html.split("</head>", 1)
    assert "customers/detail.css" in head and "customers/detail.css" not in body
    # Other pages do not load it.
    assert "customers/detail.css" not in client_for(tenant_a, org.manager).get("/customers/").content.decode()


def test_tabs_in_order_selected_from_the_url_with_lazy_panels_as_links(client_for, tenant_a, org):
    customer = _busy_customer(tenant_a, org)
    client = client_for(tenant_a, org.boss)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert TAB.findall(html) == ["basic", "contacts", "followups", "opportunities", "quotes", "business_totals",
                                  "contracts", "orders", "tasks", "payments", "invoices", "expenses", "attachments",
                                  "log"]
    assert SELECTED.findall(html) == ["basic"]
    # Heavy panels of the other tabs are not loaded: a placeholder fetches them, a link opens them.
    followups = _pane(html, "followups")
    assert "首次拜访" not in followups
    assert f'data-panel-src="/customers/{customer.pk}/panels/followups/?partial=1"' in followups
    assert f'href="/customers/{customer.pk}/panels/followups/"' in followups
    assert "寄送样品" not in html

    # ?tab= selects the tab (reload, Back, a link without JavaScript) and loads its panels now.
    chosen = client.get(f"/customers/{customer.pk}/", {"tab": "followups"}).content.decode()
    assert SELECTED.findall(chosen) == ["followups"]
    assert "首次拜访" in _pane(chosen, "followups") and "data-panel-src" not in _pane(chosen, "followups")
    assert 'hidden' in chosen[chosen.index('data-pane="basic"') - 80:chosen.index('data-pane="basic"') + 120]
    assert SELECTED.findall(client.get(f"/customers/{customer.pk}/", {"tab": "nonsense"}).content.decode()) == ["basic"]


def test_panel_url_gives_the_fragment_or_a_page_of_its_own(client_for, tenant_a, org):
    customer = _busy_customer(tenant_a, org)
    client = client_for(tenant_a, org.sales1)
    fragment = client.get(f"/customers/{customer.pk}/panels/tasks/", {"partial": "1"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "寄送样品" in body and "<html" not in body
    page = client.get(f"/customers/{customer.pk}/panels/followups/")
    assert page.status_code == 200 and "<html" in page.content.decode() and "首次拜访" in page.content.decode()
    assert f'href="/customers/{customer.pk}/?tab=followups"' in page.content.decode()  # back to the tab
    assert client.get(f"/customers/{customer.pk}/panels/no_such_panel/").status_code == 404
    # The data log is the Boss's: its panel URL is a 404 to anyone else, as if it did not exist.
    assert client.get(f"/customers/{customer.pk}/panels/data_log/", {"partial": "1"}).status_code == 404
    boss = client_for(tenant_a, org.boss).get(f"/customers/{customer.pk}/panels/data_log/", {"partial": "1"})
    assert boss.status_code == 200 and 'data-testid="recent-changes"' in boss.content.decode()


def test_panel_urls_are_isolated_by_scope_and_tenant(client_for, tenant_a, tenant_b, org, make_user):
    west = _busy_customer(tenant_a, org)
    with in_tenant(tenant_a):
        Customer.objects.filter(pk=west.pk).update(owner=org.sales_w)
    secrets = ("首次拜访", "张三", "寄送样品", "全景科技")
    # Out of scope with no link to it: as if it did not exist.
    outsider = client_for(tenant_a, org.sales2)
    for key in ("basic", "contacts", "followups", "tasks", "attachments", "no_such_panel"):
        refused = outsider.get(f"/customers/{west.pk}/panels/{key}/", {"partial": "1"})
        assert refused.status_code == 404, key
        assert not any(s in refused.content.decode() for s in secrets), key
    # Sales Sun created the task on it: told why (403), shown nothing of it.
    linked = client_for(tenant_a, org.sales1)
    for key in ("basic", "contacts", "followups", "tasks"):
        refused = linked.get(f"/customers/{west.pk}/panels/{key}/", {"partial": "1"})
        assert refused.status_code == 403, key
        assert not any(s in refused.content.decode() for s in secrets), key

    boss_b = make_user(tenant_b, role="boss", username="boss-b-360")
    other = add(tenant_b, boss_b, "Beta Panel Secret Co", contact={"name": "Secret Contact"})
    client_a = client_for(tenant_a, org.boss)
    with in_tenant(tenant_a):
        exists_in_a = Customer.all_objects.filter(pk=other.pk).exists()
    for key in ("basic", "contacts", "followups", "data_log"):
        response = client_a.get(f"/customers/{other.pk}/panels/{key}/", {"partial": "1"})
        assert "Beta Panel Secret Co" not in response.content.decode()
        assert "Secret Contact" not in response.content.decode()
        if not exists_in_a:
            assert response.status_code == 404, key  # another company's id is unknown here
    assert client_for(tenant_b, boss_b).get(f"/customers/{other.pk}/panels/contacts/").status_code == 200


def test_task_assignee_out_of_scope_is_told_whose_customer_it_is(client_for, tenant_a, tenant_b, org, make_user):
    west = add(tenant_a, org.sales_w, "西区专属客户")
    with in_tenant(tenant_a):
        task = activities.create_task(by=org.sales_w, kind="task", title="帮忙报价", customer=west,
                                      starts_at=timezone.now(), assignees=[org.sales1])
    client = client_for(tenant_a, org.sales1)
    task_page = client.get(f"/activities/tasks/{task.pk}/").content.decode()
    assert f'href="/customers/{west.pk}/"' in task_page  # the task links its customer
    refused = client.get(f"/customers/{west.pk}/")
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "You cannot view this customer (owner: Sales Zhou)" in html
    assert "西区专属客户" not in html  # says whose, shows nothing of it

    with in_tenant(tenant_a):
        type(org.sales1).objects.filter(pk=org.sales1.pk).update(language="zh-hans")
    zh = client_for(tenant_a, org.sales1, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "您无权查看此客户（负责人：Sales Zhou）" in zh.get(f"/customers/{west.pk}/").content.decode()
    # A colleague with no link to it, and another company's id, still get a bare 404.
    assert client_for(tenant_a, org.sales2).get(f"/customers/{west.pk}/").status_code == 404
    assert client.get("/customers/987654321/").status_code == 404
