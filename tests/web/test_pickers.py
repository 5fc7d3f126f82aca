"""The customer picker and the people pickers (issue 14): the task form's customer was an exact
number or full name, its assignees a Ctrl-click multi-select; the follow-up, care, hand-over,
share and transfer forms pick the same way."""

from __future__ import annotations

import pytest

from saas_core.activities.models import Task
from saas_core.customers import services
from tests.conftest import in_tenant
from tests.saas_core.org.conftest import build_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def add(tenant, owner, name, **fields):
    with in_tenant(tenant):
        return services.create_customer(by=owner, name=name, confirm_duplicates=True, check_permission=False, **fields)


def test_the_customer_picker_searches_like_the_list_within_the_data_scope(client_for, tenant_a, tenant_b, org, make_user):
    mine = add(tenant_a, org.sales1, "北京华兴科技有限公司", phone="139 0571 0000")
    add(tenant_a, org.sales_w, "北京远大科技有限公司")  # another department's: out of sales1's scope
    add(tenant_b, make_user(tenant_b, role="boss", username="boss-b2"), "北京星光科技有限公司")  # another company's
    client = client_for(tenant_a, org.sales1)

    def picked(query, as_client=client):
        return [r["id"] for r in as_client.get("/customers/pick/", {"q": query}).json()["results"]]

    assert picked("bjkj") == [mine.pk]  # pinyin initials, like the list
    assert picked("139 0571 0000") == [mine.pk]  # the phone as the product shows it
    assert picked("北京") == [mine.pk]
    assert picked("") == []
    boss = [r["label"] for r in client_for(tenant_a, org.boss).get("/customers/pick/", {"q": "bjkj"}).json()["results"]]
    assert len(boss) == 2 and not any("星光" in label for label in boss)
    assert client_for(tenant_a, org.maintainer).get("/customers/pick/", {"q": "bj"}).status_code == 403
    assert client_for(tenant_a).get("/customers/pick/", {"q": "bj"}).status_code == 401


def test_the_task_form_picks_a_customer_and_people(client_for, tenant_a, org):
    mine = add(tenant_a, org.sales1, "北京华兴科技有限公司")
    other = add(tenant_a, org.sales_w, "西部远大贸易有限公司")
    client = client_for(tenant_a, org.manager)
    html = client.get("/activities/tasks/new/").content.decode()
    assert 'data-picker="customer"' in html and 'data-url="/customers/pick/"' in html
    assert 'data-picker="people"' in html and "Ctrl" not in html
    # Every colleague is an option with the keys the script filters by (name, pinyin, initials).
    assert 'data-search="sales sun sales1' in html
    # The customer select lists the chosen one only, never the whole company.
    assert "北京华兴科技有限公司" not in html

    data = {"kind": "task", "title": "送样品", "starts_at": "2026-12-08T09:00", "ends_at": "2026-12-08T10:00"}
    saved = client.post("/activities/tasks/new/", data | {"customer": mine.pk, "assignees": [org.sales1.pk, org.sales2.pk]})
    assert saved.status_code == 302
    with in_tenant(tenant_a):
        task = Task.objects.get(title="送样品")
        assert task.customer_id == mine.pk
        assert {a.user_id for a in task.assignments.filter(active=True)} == {org.sales1.pk, org.sales2.pk}
    edit = client.get(f"/activities/tasks/{task.pk}/edit/").content.decode()
    assert f'<option value="{mine.pk}" selected>北京华兴科技有限公司' in edit

    # A customer outside the manager's scope (the West department's) is refused, naming the fix.
    refused = client.post("/activities/tasks/new/", data | {"title": "越权", "customer": other.pk})
    assert refused.status_code == 200
    assert "Choose a customer you can see" in refused.context["form"].errors["customer"][0]
    with in_tenant(tenant_a):
        assert not Task.objects.filter(title="越权").exists()


def test_follow_up_and_care_forms_pick_the_customer(client_for, tenant_a, org):
    mine = add(tenant_a, org.sales1, "杭州西湖茶业有限公司")
    client = client_for(tenant_a, org.sales1)
    for url in ("/activities/followups/new/", "/activities/care/new/"):
        html = client.get(url).content.decode()
        assert 'data-picker="customer"' in html, url
    missing = client.post("/activities/followups/new/", {"subject": "电话", "happened_at": "2026-12-07T09:00"})
    assert missing.context["form"].errors["customer"] == ["Choose the customer."]
    saved = client.post("/activities/followups/new/", {"customer": mine.pk, "subject": "电话",
                                                       "happened_at": "2026-12-07T09:00"})
    assert saved.status_code == 302


def test_hand_over_share_and_transfer_use_the_people_pickers(client_for, tenant_a, org):
    mine = add(tenant_a, org.sales1, "上海明达贸易有限公司")
    client = client_for(tenant_a, org.manager)
    html = client.get(f"/customers/{mine.pk}/").content.decode()
    assert 'data-picker="people"' in html  # share with colleagues
    transfer = client.get(f"/customers/{mine.pk}/transfer/").content.decode()
    assert 'data-picker="person"' in transfer
