"""The dictionary pages: list, search, add, rename, reorder, disable, delete with usage; rights; tenants."""

import re

import pytest

from saas_core.dictionaries import services
from saas_core.dictionaries.models import DictionaryItem
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client_for, tenant_a, boss_a):
    return client_for(tenant_a, boss_a)


def row_keys(html: str) -> list[str]:
    return re.findall(r'data-item-key="([^"]+)"', html)


def test_the_list_groups_the_dictionaries_and_searches_both_languages(boss):
    page = boss.get("/dictionaries/").content.decode()
    assert page.count("data-type-key=") >= 40
    assert 'data-group="customers"' in page and 'data-group="finance"' in page
    assert "Industry" in page and "所属行业" in page  # the other language is shown beside
    for q, expected in (("付款", "payment_method"), ("payment", "payment_method"), ("支付宝", "payment_method"),
                        ("Alipay", "payment_method"), ("industry", "industry")):
        found = re.findall(r'data-type-key="([^"]+)"', boss.get("/dictionaries/", {"q": q}).content.decode())
        assert expected in found, q
        assert len(found) < 10
    nothing = boss.get("/dictionaries/", {"q": "zzzz"}).content.decode()
    assert 'data-testid="no-match"' in nothing


def test_a_chinese_speaking_boss_sees_chinese_labels(client_for, tenant_a, make_user):
    boss = client_for(tenant_a, make_user(tenant_a, role="boss", language="zh-hans"))
    page = boss.get("/dictionaries/industry/").content.decode()
    assert "所属行业" in page and "计算机/互联网" in page
    assert "所属行业" in boss.get("/dictionaries/").content.decode()


def test_the_detail_page_lists_values_in_order_with_both_labels(boss):
    page = boss.get("/dictionaries/complaint_urgency/").content.decode()
    assert row_keys(page) == ["critical", "urgent", "normal", "low"]
    assert "非常紧急" in page and "Critical" in page and "Response time (hours)" in page
    assert boss.get("/dictionaries/no_such_list/").status_code == 404


def test_boss_adds_a_value_inline(boss, tenant_a):
    response = boss.post("/dictionaries/customer_source/add/", {"label_zh": "小红书", "label_en": "Xiaohongshu"})
    assert response.status_code == 302
    page = boss.get(response["Location"]).content.decode()
    assert row_keys(page)[-1] == "xiaohongshu" and "“Xiaohongshu” has been added to Customer source." in page


def test_bad_additions_are_shown_beside_the_fields(boss, tenant_a):
    empty = boss.post("/dictionaries/customer_source/add/", {"label_zh": "", "label_en": ""})
    assert empty.status_code == 400
    assert "at least one language" in empty.context["form"].errors["label_zh"][0]
    duplicate = boss.post("/dictionaries/customer_source/add/", {"label_zh": "展会", "label_en": "Fairs"})
    assert "“展会” is already in this list." in duplicate.content.decode()
    bad_extra = boss.post("/dictionaries/complaint_urgency/add/", {"label_zh": "特急", "extra__response_hours": "900"})
    assert bad_extra.status_code == 400 and "extra__response_hours" in bad_extra.context["form"].errors
    with in_tenant(tenant_a):
        assert DictionaryItem.objects.filter(type__key="customer_source").count() == 14


def test_boss_renames_inline_and_edits_attributes(boss, tenant_a):
    with in_tenant(tenant_a):
        urgency = services.get_item("complaint_urgency", "urgent")
    boss.post(f"/dictionaries/complaint_urgency/{urgency.pk}/rename/", {"label_zh": "较急", "label_en": "Pressing"})
    with in_tenant(tenant_a):
        urgency.refresh_from_db()
    assert (urgency.label_zh, urgency.label_en, urgency.key, urgency.extra) == ("较急", "Pressing", "urgent", {"response_hours": 8})
    form = boss.get(f"/dictionaries/complaint_urgency/{urgency.pk}/")
    assert form.status_code == 200 and 'value="8"' in form.content.decode()
    boss.post(f"/dictionaries/complaint_urgency/{urgency.pk}/", {
        "label_zh": "紧急", "label_en": "Urgent", "extra__response_hours": "6",
    })
    with in_tenant(tenant_a):
        urgency.refresh_from_db()
    assert (urgency.label_zh, urgency.extra) == ("紧急", {"response_hours": 6})
    refused = boss.post(f"/dictionaries/complaint_urgency/{urgency.pk}/rename/", {"label_zh": "一般", "label_en": ""}, follow=True)
    assert "“一般” is already in this list." in refused.content.decode()


def test_boss_reorders_with_arrows_and_by_drag_and_drop(boss, tenant_a):
    with in_tenant(tenant_a):
        low = services.get_item("task_priority", "low")
        ids = {i.key: i.pk for i in services.items_for("task_priority")}
    boss.post(f"/dictionaries/task_priority/{low.pk}/move/", {"direction": "up"})
    assert row_keys(boss.get("/dictionaries/task_priority/").content.decode()) == ["urgent", "high", "low", "medium"]
    saved = boss.post("/dictionaries/task_priority/reorder/", {"ids": [ids["medium"], ids["low"], ids["high"], ids["urgent"]]})
    assert saved.status_code == 200 and saved.json()["detail"] == "The new order has been saved."
    assert row_keys(boss.get("/dictionaries/task_priority/").content.decode()) == ["medium", "low", "high", "urgent"]
    with in_tenant(tenant_a):
        stranger = services.get_item("industry", "it").pk
    refused = boss.post("/dictionaries/task_priority/reorder/", {"ids": [ids["low"], stranger]})
    assert refused.status_code == 400 and "not values of “Task priority”" in refused.json()["errors"]["ids"][0]
    page = boss.get("/dictionaries/task_priority/").content.decode()
    assert "dictionaries/reorder.js" in page and 'draggable="true"' in page


def test_boss_disables_and_enables_a_value(boss, tenant_a):
    with in_tenant(tenant_a):
        item = services.get_item("customer_source", "cold_visit")
    page = boss.post(f"/dictionaries/customer_source/{item.pk}/toggle/", follow=True).content.decode()
    assert "“Cold visit” has been disabled" in page
    with in_tenant(tenant_a):
        assert "cold_visit" not in [i.key for i in services.items_for("customer_source")]
    boss.post(f"/dictionaries/customer_source/{item.pk}/toggle/")
    with in_tenant(tenant_a):
        assert "cold_visit" in [i.key for i in services.items_for("customer_source")]


def test_delete_asks_first_then_removes_an_unused_value(boss, tenant_a):
    with in_tenant(tenant_a):
        item = services.get_item("hot_reason", "management")
    confirm = boss.get(f"/dictionaries/hot_reason/{item.pk}/delete/").content.decode()
    assert 'data-testid="confirm-delete"' in confirm and "No record uses it" in confirm
    done = boss.post(f"/dictionaries/hot_reason/{item.pk}/delete/", follow=True).content.decode()
    assert "“Management attention” has been deleted." in done
    with in_tenant(tenant_a):
        assert not DictionaryItem.objects.filter(pk=item.pk).exists()


def test_a_value_in_use_shows_where_and_cannot_be_deleted(boss, tenant_a, probe_model):
    with in_tenant(tenant_a):
        it = services.get_item("industry", "it")
        for n in range(3):
            probe_model.objects.create(name=f"客户{n}", industry=it)
    confirm = boss.get(f"/dictionaries/industry/{it.pk}/delete/").content.decode()
    assert "“IT and internet” is used by 3 probe customers; disable it instead." in confirm
    assert 'data-testid="confirm-delete"' not in confirm and 'data-testid="disable-instead"' in confirm
    refused = boss.post(f"/dictionaries/industry/{it.pk}/delete/", follow=True).content.decode()
    assert "is used by 3 probe customers" in refused
    with in_tenant(tenant_a):
        assert DictionaryItem.objects.filter(pk=it.pk).exists()


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/dictionaries/"), ("get", "/dictionaries/industry/"), ("post", "/dictionaries/industry/add/"),
    ("post", "/dictionaries/industry/reorder/"),
])
def test_sales_get_a_403_with_a_message_and_no_menu_entry(client_for, tenant_a, make_user, method, url):
    sales = client_for(tenant_a, make_user(tenant_a, role="sales"))
    response = getattr(sales, method)(url, {"label_zh": "新"} if method == "post" else None)
    assert response.status_code == 403
    assert "Your role (Sales) may not" in response.content.decode() and "data dictionaries" in response.content.decode()
    assert 'data-menu="dictionaries"' not in sales.get("/workbench/").content.decode()


def test_boss_has_the_menu_entry(boss):
    assert 'data-menu="dictionaries"' in boss.get("/workbench/").content.decode()


def test_a_manager_may_look_but_not_change(client_for, tenant_a, make_user):
    manager = client_for(tenant_a, make_user(tenant_a, role="manager"))
    page = manager.get("/dictionaries/industry/")
    assert page.status_code == 200 and 'data-testid="add-form"' not in page.content.decode()
    assert 'data-action="delete"' not in page.content.decode()
    assert manager.post("/dictionaries/industry/add/", {"label_zh": "新"}).status_code == 403
    with in_tenant(tenant_a):
        pk = services.get_item("industry", "it").pk
    assert manager.post(f"/dictionaries/industry/{pk}/toggle/").status_code == 403
    assert manager.get(f"/dictionaries/industry/{pk}/delete/").status_code == 403


def test_company_a_cannot_reach_or_change_values_of_b(boss, tenant_a, tenant_b):
    with in_tenant(tenant_b):
        own_b = services.add_item(services.get_item("industry", "it").type, label_zh="乙方专属", label_en="Only B")
    for method, suffix in (("get", "/"), ("post", "/toggle/"), ("post", "/rename/"), ("get", "/delete/"),
                           ("post", "/delete/"), ("post", "/move/")):
        response = getattr(boss, method)(f"/dictionaries/industry/{own_b.pk}{suffix}", {"label_zh": "hacked"})
        assert response.status_code == 404, suffix
    with in_tenant(tenant_b):
        own_b.refresh_from_db()
        assert (own_b.label_zh, own_b.is_active) == ("乙方专属", True)


def test_edits_in_a_do_not_appear_in_b(boss, tenant_a, tenant_b):
    with in_tenant(tenant_a):
        item = services.get_item("customer_source", "wechat")
    boss.post(f"/dictionaries/customer_source/{item.pk}/rename/", {"label_zh": "企业微信", "label_en": "WeCom"})
    boss.post(f"/dictionaries/customer_source/{item.pk}/toggle/")
    boss.post("/dictionaries/customer_source/add/", {"label_zh": "甲方专属", "label_en": "Only A"})
    with in_tenant(tenant_a):
        assert services.get_item("customer_source", "wechat").label_zh == "企业微信"
    with in_tenant(tenant_b):
        b_item = services.get_item("customer_source", "wechat")
        assert (b_item.label_zh, b_item.is_active) == ("微信", True)
        assert services.get_item("customer_source", "only_a") is None
