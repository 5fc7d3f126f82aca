"""/api/v1/dictionaries/: read for everyone, change with the right, one error format, 409 when in use."""

import pytest
from rest_framework.test import APIClient

from saas_core.dictionaries import services
from saas_core.dictionaries.models import DictionaryItem
from tests.conftest import api, in_tenant

pytestmark = pytest.mark.django_db



@pytest.fixture
def boss(tenant_a, boss_a):
    return api(tenant_a, boss_a)


def test_types_are_listed_searched_and_filtered(boss):
    listing = boss.get("/api/v1/dictionaries/", {"page_size": 100}).json()
    assert listing["count"] >= 40
    industry = next(t for t in listing["results"] if t["key"] == "industry")
    assert industry | {"item_count": 20, "active_count": 20} == industry
    assert (industry["name"], industry["name_zh"], industry["group"]) == ("Industry", "所属行业", "customers")
    assert [t["key"] for t in boss.get("/api/v1/dictionaries/", {"search": "付款方式"}).json()["results"]] == ["payment_method"]
    finance = boss.get("/api/v1/dictionaries/", {"group": "finance"}).json()["results"]
    assert {t["group"] for t in finance} == {"finance"} and len(finance) >= 4
    urgency = boss.get("/api/v1/dictionaries/complaint_urgency/").json()
    assert urgency["extra_fields"][0]["name"] == "response_hours"
    assert boss.get("/api/v1/dictionaries/nope/").status_code == 404


def test_items_are_enabled_only_unless_all_is_asked_for(boss, tenant_a, make_user):
    with in_tenant(tenant_a):
        services.set_active(services.get_item("value_class", "c"), False)
    items = boss.get("/api/v1/dictionaries/value_class/items/").json()
    assert [i["key"] for i in items] == ["a", "b"]
    assert items[0] | {"type": "value_class", "label": "A (high value)", "label_zh": "A类(高价值)", "is_builtin": True} == items[0]
    assert [i["key"] for i in boss.get("/api/v1/dictionaries/value_class/items/", {"all": 1}).json()] == ["a", "b", "c"]
    chinese = api(tenant_a, make_user(tenant_a, role="sales", language="zh-hans"))
    assert chinese.get("/api/v1/dictionaries/value_class/items/").json()[0]["label"] == "A类(高价值)"


def test_boss_creates_renames_disables_reorders_and_deletes(boss, tenant_a):
    created = boss.post("/api/v1/dictionaries/lead_source/items/", {"label_zh": "小红书", "label_en": "Xiaohongshu"}, format="json")
    assert created.status_code == 201, created.json()
    item = created.json()
    assert (item["key"], item["is_active"], item["is_builtin"]) == ("xiaohongshu", True, False)
    url = f"/api/v1/dictionaries/lead_source/items/{item['id']}/"
    renamed = boss.patch(url, {"label_en": "RedNote"}, format="json").json()
    assert (renamed["label_zh"], renamed["label_en"], renamed["key"]) == ("小红书", "RedNote", "xiaohongshu")
    assert boss.patch(url, {"is_active": False}, format="json").json()["is_active"] is False
    assert "xiaohongshu" not in [i["key"] for i in boss.get("/api/v1/dictionaries/lead_source/items/").json()]
    assert boss.get(url).json()["is_active"] is False  # a disabled value is still reachable by id
    ids = [i["id"] for i in boss.get("/api/v1/dictionaries/lead_source/items/", {"all": "1"}).json()]
    reordered = boss.post("/api/v1/dictionaries/lead_source/items/reorder/", {"ids": ids[::-1]}, format="json")
    assert reordered.status_code == 200 and [i["id"] for i in reordered.json()] == ids[::-1]
    assert boss.get(f"{url}usage/").json() == []
    assert boss.delete(url).status_code == 204
    with in_tenant(tenant_a):
        assert not DictionaryItem.objects.filter(pk=item["id"]).exists()


def test_response_time_of_a_new_urgency(boss):
    created = boss.post("/api/v1/dictionaries/complaint_urgency/items/", {
        "label_zh": "特急", "label_en": "Immediate", "extra": {"response_hours": 1},
    }, format="json")
    assert created.status_code == 201 and created.json()["extra"] == {"response_hours": 1}


@pytest.mark.parametrize(("body", "field", "text"), [
    ({"label_zh": "", "label_en": ""}, "label_zh", "at least one language"),
    ({"label_zh": "x" * 101}, "label_zh", "no more than 100 characters"),
    ({"label_zh": "展会"}, "label_zh", "already in this list"),
    ({"label_zh": "新", "key": "Not a code"}, "key", "lower-case letters"),
    ({"label_zh": "新", "extra": {"probability": 5}}, "extra", "not an attribute of this list"),
    ({"label_zh": "新", "extra": [1]}, "extra", "object of attributes"),
    ({"label_zh": "新", "is_active": "maybe"}, "is_active", "valid boolean"),
])
def test_bad_input_is_a_400_with_the_field_map(boss, body, field, text):
    response = boss.post("/api/v1/dictionaries/customer_source/items/", body, format="json")
    assert response.status_code == 400
    payload = response.json()
    assert set(payload) == {"detail", "errors"} and payload["detail"].startswith(field + ": ")
    assert text in " ".join(payload["errors"][field])


def test_the_code_cannot_be_changed_and_reorder_refuses_other_lists(boss, tenant_a):
    with in_tenant(tenant_a):
        item = services.get_item("value_class", "a")
        stranger = services.get_item("industry", "it")
    changed = boss.patch(f"/api/v1/dictionaries/value_class/items/{item.pk}/", {"key": "z"}, format="json")
    assert changed.status_code == 400 and "cannot be changed" in changed.json()["errors"]["key"][0]
    refused = boss.post("/api/v1/dictionaries/value_class/items/reorder/", {"ids": [item.pk, stranger.pk]}, format="json")
    assert refused.status_code == 400 and f"{stranger.pk}" in refused.json()["errors"]["ids"][0]
    assert boss.post("/api/v1/dictionaries/value_class/items/reorder/", {"ids": []}, format="json").status_code == 400
    # An item is only reachable under its own list.
    assert boss.get(f"/api/v1/dictionaries/value_class/items/{stranger.pk}/").status_code == 404


def test_deleting_a_value_in_use_is_a_409_that_says_where(boss, tenant_a, probe_model):
    with in_tenant(tenant_a):
        it = services.get_item("industry", "it")
        probe_model.objects.create(name="甲", industry=it)
        probe_model.objects.create(name="乙", industry=it)
    url = f"/api/v1/dictionaries/industry/items/{it.pk}/"
    response = boss.delete(url)
    assert response.status_code == 409
    assert response.json() == {"detail": "“IT and internet” is used by 2 probe customers; disable it instead.", "errors": {}}
    assert boss.get(f"{url}usage/").json() == [
        {"model": "dictionaries.probecustomer", "name": "probe customers", "count": 2, "in_bin": 0},
    ]
    assert boss.patch(url, {"is_active": False}, format="json").status_code == 200


def test_everyone_reads_but_only_those_with_the_right_change(tenant_a, make_user):
    sales = api(tenant_a, make_user(tenant_a, role="sales"))
    assert sales.get("/api/v1/dictionaries/industry/items/").status_code == 200
    with in_tenant(tenant_a):
        pk = services.get_item("industry", "it").pk
    for method, url, body in (
        ("post", "/api/v1/dictionaries/industry/items/", {"label_zh": "新"}),
        ("patch", f"/api/v1/dictionaries/industry/items/{pk}/", {"label_zh": "新"}),
        ("delete", f"/api/v1/dictionaries/industry/items/{pk}/", None),
        ("post", "/api/v1/dictionaries/industry/items/reorder/", {"ids": [pk]}),
    ):
        response = getattr(sales, method)(url, body, format="json")
        assert response.status_code == 403, url
        assert response.json()["detail"].startswith("Your role (Sales) may not")
    assert APIClient(HTTP_HOST=tenant_a.host).get("/api/v1/dictionaries/").status_code == 401


def test_company_a_cannot_see_or_change_values_of_b(boss, tenant_a, tenant_b):
    with in_tenant(tenant_b):
        own_b = services.add_item(services.get_item("industry", "it").type, label_zh="乙方专属", label_en="Only B")
    url = f"/api/v1/dictionaries/industry/items/{own_b.pk}/"
    assert boss.get(url).status_code == 404
    assert boss.patch(url, {"label_zh": "hacked"}, format="json").status_code == 404
    assert boss.delete(url).status_code == 404
    assert "Only B" not in str(boss.get("/api/v1/dictionaries/industry/items/", {"all": 1}).json())
    with in_tenant(tenant_b):
        own_b.refresh_from_db()
        assert own_b.label_zh == "乙方专属"
