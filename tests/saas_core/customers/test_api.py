"""/api/v1/customers/ and /api/v1/contacts/: scope, search, filters, ordering, duplicates, errors.

The organisation is tests.saas_core.org.conftest's: Boss; director over Sales; manager of East
(sales1 in East, sales2 in Shanghai below it); sales_w in West; a System maintainer.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from saas_core.customers import services, sharing
from saas_core.customers.models import Contact, Customer, CustomerShare
from saas_core.dictionaries.models import DictionaryItem
from saas_core.records.models import BinEntry
from tests.conftest import api, in_tenant
from tests.saas_core.org.conftest import _fast_password_hashing, build_org  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def item(type_key: str, key: str) -> DictionaryItem:
    return DictionaryItem.objects.get(type__key=type_key, key=key)


def make(owner, name, **fields) -> Customer:
    return services.create_customer(by=owner, name=name, confirm_duplicates=True, check_permission=False, **fields)


@pytest.fixture
def book(tenant_a, org):
    """Six customers of five owners."""
    with in_tenant(tenant_a):
        c = {
            "huaxing": make(org.boss, "北京华兴科技有限公司", phone="010-6234 5678", province="北京", status="signed",
                            category=item("customer_category", "vip"), is_hot=True, heat=3),
            "hengtong": make(org.manager, "上海恒通国际贸易有限公司", province="上海", status="intention",
                             category=item("customer_category", "normal")),
            "changan": make(org.sales1, "重庆长安汽车配件有限公司", province="重庆", phone="+86 138 0023 9911",
                            category=item("customer_category", "potential"),
                            contact={"name": "欧阳娜娜", "mobile": "139 0571 0000", "birthday": date(1990, 3, 8)}),
            "zhang": make(org.sales1, "张三", kind="individual", category=item("customer_category", "potential")),
            "hailian": make(org.sales2, "厦门海联物流有限公司", province="福建", category=item("customer_category", "normal")),
            "pacific": make(org.sales_w, "Pacific Rim Trading Co., Ltd.", category=item("customer_category", "partner")),
        }
        long_ago = timezone.now() - timedelta(days=40)
        Customer.objects.filter(pk=c["changan"].pk).update(last_contact_at=long_ago)
        Customer.objects.filter(pk=c["hailian"].pk).update(created_at=long_ago)
        return c


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- list: scope, search, filters, ordering, pages ------------------------------------------------


def test_each_role_lists_its_scope(tenant_a, org, book):
    assert len(names(api(tenant_a, org.boss).get(URL))) == 6
    assert set(names(api(tenant_a, org.manager).get(URL))) == {"上海恒通国际贸易有限公司", "重庆长安汽车配件有限公司", "张三"}
    assert set(names(api(tenant_a, org.sales1).get(URL))) == {"重庆长安汽车配件有限公司", "张三"}
    assert set(names(api(tenant_a, org.director).get(URL))) == {
        "上海恒通国际贸易有限公司", "重庆长安汽车配件有限公司", "张三", "厦门海联物流有限公司", "Pacific Rim Trading Co., Ltd.",
    }


def test_maintainer_and_anonymous_are_refused(tenant_a, org, book):
    response = api(tenant_a, org.maintainer).get(URL)
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role (System maintainer) may not view customers.", "errors": {}}
    assert api(tenant_a).get(URL).status_code == 401


def test_search_by_initials_pinyin_and_phone_within_the_scope(tenant_a, org, book):
    boss, sales1 = api(tenant_a, org.boss), api(tenant_a, org.sales1)
    assert names(boss.get(URL, {"search": "bjkj"})) == ["北京华兴科技有限公司"]
    assert names(boss.get(URL, {"search": "cq"})) == ["重庆长安汽车配件有限公司"]  # 重 read as chong
    assert names(boss.get(URL, {"search": "9911"})) == ["重庆长安汽车配件有限公司"]
    assert names(boss.get(URL, {"search": "0000"})) == ["重庆长安汽车配件有限公司"]  # the contact's mobile
    assert names(sales1.get(URL, {"search": "bjkj"})) == []  # not in the salesman's scope
    assert names(boss.get(URL, {"search": "pacific"})) == ["Pacific Rim Trading Co., Ltd."]


def test_filters(tenant_a, org, book):
    boss = api(tenant_a, org.boss)
    vip = book["huaxing"].category_id
    assert names(boss.get(URL, {"category": "vip"})) == ["北京华兴科技有限公司"]
    assert names(boss.get(URL, {"category": str(vip)})) == ["北京华兴科技有限公司"]
    assert set(names(boss.get(URL, {"category": "potential,partner"}))) == {
        "重庆长安汽车配件有限公司", "张三", "Pacific Rim Trading Co., Ltd."}
    assert names(boss.get(URL, {"kind": "individual"})) == ["张三"]
    assert names(boss.get(URL, {"status": "signed"})) == ["北京华兴科技有限公司"]
    assert names(boss.get(URL, {"is_hot": "true"})) == ["北京华兴科技有限公司"]
    assert len(names(boss.get(URL, {"is_hot": "false"}))) == 5
    with in_tenant(tenant_a):  # an expired flag is not hot, even before the nightly task clears it
        Customer.objects.filter(pk=book["huaxing"].pk).update(hot_until=timezone.localdate() - timedelta(days=1))
    assert names(boss.get(URL, {"is_hot": "true"})) == []
    assert len(names(boss.get(URL, {"is_hot": "false"}))) == 6
    assert names(boss.get(URL, {"province": "上海"})) == ["上海恒通国际贸易有限公司"]
    assert set(names(boss.get(URL, {"owner": str(org.sales1.pk)}))) == {"重庆长安汽车配件有限公司", "张三"}
    assert names(boss.get(URL, {"owner": "me"})) == ["北京华兴科技有限公司"]
    # Not followed for 30 days: last contact 40 days ago, or never (as on the web list).
    with in_tenant(tenant_a):
        Customer.objects.filter(pk=book["hengtong"].pk).update(last_contact_at=timezone.now() - timedelta(days=2))
    not_followed = set(names(boss.get(URL, {"not_followed_days": "30", "page_size": 50})))
    assert "重庆长安汽车配件有限公司" in not_followed and len(not_followed) == 5 and "上海恒通国际贸易有限公司" not in not_followed
    assert set(names(boss.get(URL, {"view": "not_followed", "days": 30}))) == not_followed
    assert names(boss.get(URL, {"view": "vip"})) == ["北京华兴科技有限公司"]
    assert names(boss.get(URL, {"view": "individual"})) == ["张三"]
    today = timezone.localdate()
    assert names(boss.get(URL, {"created_to": str(today - timedelta(days=30))})) == ["厦门海联物流有限公司"]
    assert "厦门海联物流有限公司" not in names(boss.get(URL, {"created_from": str(today)}))
    last = {"last_contact_from": str(today - timedelta(days=41)), "last_contact_to": str(today - timedelta(days=39))}
    assert names(boss.get(URL, last)) == ["重庆长安汽车配件有限公司"]
    assert names(boss.get(URL, {"category": "vip", "search": "cq"})) == []


@pytest.mark.parametrize("params, field", [
    ({"status": "nope"}, "status"), ({"kind": "robot"}, "kind"), ({"is_hot": "maybe"}, "is_hot"),
    ({"not_followed_days": "-3"}, "not_followed_days"), ({"created_from": "yesterday"}, "created_from"),
    ({"owner": "boss"}, "owner"), ({"ordering": "password"}, "ordering"), ({"parent": "x"}, "parent"),
    ({"view": "hot", "days": "x"}, "days"), ({"category": "1" * 30}, "category"), ({"city": "\x00"}, "city"),
])
def test_bad_filters_are_400_naming_the_parameter(tenant_a, org, params, field):
    response = api(tenant_a, org.boss).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field] and body["detail"].startswith(f"{field}: ")


def test_ordering_by_any_listed_column_and_pages(tenant_a, org, book):
    boss = api(tenant_a, org.boss)
    by_name = names(boss.get(URL, {"ordering": "name", "page_size": 50}))
    assert by_name == sorted(by_name)
    by_heat = names(boss.get(URL, {"ordering": "-heat"}))
    assert by_heat[0] == "北京华兴科技有限公司"  # NULLs last in both directions
    by_contact = names(boss.get(URL, {"ordering": "-last_contact_at"}))
    assert by_contact[0] == "重庆长安汽车配件有限公司"
    assert names(boss.get(URL, {"ordering": "owner,-created_at"}))  # a related column
    assert names(boss.get(URL, {"ordering": "category"}))[0] in {"重庆长安汽车配件有限公司", "张三"}  # pick-list order
    page = boss.get(URL, {"page_size": 4, "page": 2}).json()
    assert page["count"] == 6 and len(page["results"]) == 2 and page["previous"]
    first = names(boss.get(URL))
    assert first[0] == "Pacific Rim Trading Co., Ltd."  # newest first by default


def test_dictionary_values_read_as_id_key_label(tenant_a, org, book):
    row = api(tenant_a, org.boss).get(f"{URL}{book['huaxing'].pk}/").json()
    assert row["category"] == {"id": book["huaxing"].category_id, "key": "vip", "label": "VIP"}
    assert row["industry"] is None
    assert row["owner"] == org.boss.pk and row["owner_name"] == str(org.boss)
    assert row["can_edit"] and row["can_delete"] and row["shared_with_me"] is None


# --- one customer: 404 outside the scope or company, 403 with a message ---------------------------


def _id_missing_in(info, make_in_other) -> int:
    """An id of a customer made in another company that does not exist in ``info``'s company."""
    for _attempt in range(50):
        other = make_in_other()
        with in_tenant(info):
            if not Customer.all_objects.filter(pk=other.pk).exists():
                return other.pk
    raise AssertionError("no free id")


def test_other_company_and_out_of_scope_ids_are_404(tenant_a, tenant_b, org, book):
    from saas_core.accounts.models import User

    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)

    def in_b():
        with in_tenant(tenant_b):
            return make(boss_b, "乙方科技")

    foreign = _id_missing_in(tenant_a, in_b)
    boss = api(tenant_a, org.boss)
    for url in (f"{URL}{foreign}/", f"{URL}{foreign}/history/", f"{URL}{foreign}/shares/"):
        assert boss.get(url).status_code == 404
    assert boss.patch(f"{URL}{foreign}/", {"name": "x"}, format="json").status_code == 404
    assert boss.delete(f"{URL}{foreign}/").status_code == 404
    # And from B's side, A's customers do not exist (an id B does not use itself: ids are per company).
    def in_a():
        with in_tenant(tenant_a):
            return make(org.boss, "甲方贸易")

    assert api(tenant_b, boss_b).get(f"{URL}{_id_missing_in(tenant_b, in_a)}/").status_code == 404

    sales1, other = api(tenant_a, org.sales1), book["hailian"].pk  # sales2's customer
    assert sales1.get(f"{URL}{other}/").status_code == 404
    assert sales1.patch(f"{URL}{other}/", {"name": "x"}, format="json").status_code == 404
    assert sales1.post(f"{URL}{other}/status/", {"status": "paused"}, format="json").status_code == 404
    manager = api(tenant_a, org.manager)
    assert manager.delete(f"{URL}{other}/").status_code == 404  # Shanghai is below East, not East
    assert manager.get(f"{URL}abc/").status_code == 404
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=other).name == "厦门海联物流有限公司"


def test_sales_may_not_delete(tenant_a, org, book):
    response = api(tenant_a, org.sales1).delete(f"{URL}{book['zhang'].pk}/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role (Sales) may not delete customers."


def test_delete_goes_to_the_recycle_bin(tenant_a, org, book):
    manager = api(tenant_a, org.manager)
    assert manager.delete(f"{URL}{book['changan'].pk}/").status_code == 204
    with in_tenant(tenant_a):
        entry = BinEntry.objects.get(object_id=book["changan"].pk)
        assert entry.dependants == 1  # its contact went with it
        assert not Contact.objects.filter(customer_id=book["changan"].pk).exists()
    assert manager.get(f"{URL}{book['changan'].pk}/").status_code == 404


def test_shares_read_and_write(tenant_a, org, book):
    with in_tenant(tenant_a):
        sharing.share(book["hailian"], [org.sales1], "read", by=org.sales2)
        sharing.share(book["pacific"], [org.sales1], "write", by=org.sales_w)
    sales1 = api(tenant_a, org.sales1)
    assert set(names(sales1.get(URL))) >= {"厦门海联物流有限公司", "Pacific Rim Trading Co., Ltd."}
    assert names(sales1.get(URL, {"shared_with_me": "1"})) == ["Pacific Rim Trading Co., Ltd.", "厦门海联物流有限公司"]
    read = sales1.get(f"{URL}{book['hailian'].pk}/").json()
    assert read["shared_with_me"] == "read" and not read["can_edit"]
    response = sales1.patch(f"{URL}{book['hailian'].pk}/", {"remark": "mine now"}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "“厦门海联物流有限公司” is shared with you read-only; you may not change it.", "errors": {}}
    assert sales1.post(f"{URL}{book['hailian'].pk}/hot/", {"is_hot": True, "heat": 2}, format="json").status_code == 403
    response = sales1.patch(f"{URL}{book['pacific'].pk}/", {"remark": "visited"}, format="json")
    assert response.status_code == 200 and response.json()["remark"] == "visited"
    # A share never allows deleting, even with the delete right.
    with in_tenant(tenant_a):
        sharing.share(book["pacific"], [org.manager], "write", by=org.sales_w)
    response = api(tenant_a, org.manager).delete(f"{URL}{book['pacific'].pk}/")
    assert response.status_code == 403 and "only shared with you" in response.json()["detail"]


def test_an_expired_share_no_longer_shows(tenant_a, org, book):
    with in_tenant(tenant_a):
        sharing.share(book["hailian"], [org.sales1], "write", timezone.now() + timedelta(days=1), by=org.sales2)
    sales1 = api(tenant_a, org.sales1)
    assert sales1.get(f"{URL}{book['hailian'].pk}/").status_code == 200
    with in_tenant(tenant_a):
        CustomerShare.objects.filter(user=org.sales1).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert sales1.get(f"{URL}{book['hailian'].pk}/").status_code == 404
    assert "厦门海联物流有限公司" not in names(sales1.get(URL))


# --- create: duplicates, quick create, bad input --------------------------------------------------


def test_duplicates_are_409_naming_the_owner_until_confirmed(tenant_a, org, book):
    sales2 = api(tenant_a, org.sales2)
    response = sales2.post(URL, {"name": "北京华兴科技有限公司"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["duplicates"] == [{
        "id": book["huaxing"].pk, "name": "北京华兴科技有限公司", "owner": str(org.boss), "reason": "same name"}]
    assert "may already exist" in body["detail"] and body["errors"] == {}
    response = sales2.post(URL, {"name": "华兴北京", "phone": "+86 10 6234 5678"}, format="json")
    assert response.status_code == 409 and response.json()["duplicates"][0]["reason"] == "same phone number"
    response = sales2.post(URL, {"name": "北京华兴科技有限公司", "confirm_duplicates": True}, format="json")
    assert response.status_code == 201
    assert response.json()["owner"] == org.sales2.pk and response.json()["number"].startswith("KH")
    with in_tenant(tenant_a):
        assert Customer.objects.filter(name="北京华兴科技有限公司").count() == 2


def test_quick_create_with_the_first_contact(tenant_a, org):
    decision_maker = None
    with in_tenant(tenant_a):
        decision_maker = item("contact_role", "decision_maker").pk
        industry = item("industry", "it").pk
    response = api(tenant_a, org.sales1).post(URL, {
        "name": "杭州云帆网络科技有限公司", "industry": industry, "phone": "0571-8888 1234",
        "contact": {"name": "李雷", "title": "采购经理", "mobile": "13905710001", "role": decision_maker},
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["industry"]["key"] == "it" and "contact" not in body
    with in_tenant(tenant_a):
        contact = Contact.objects.get(customer_id=body["id"])
        assert contact.is_primary and contact.role.key == "decision_maker" and contact.surname_initial == "L"
    contacts = api(tenant_a, org.sales1).get("/api/v1/contacts/", {"customer": body["id"]}).json()["results"]
    assert [c["name"] for c in contacts] == ["李雷"] and contacts[0]["role"]["key"] == "decision_maker"


def test_bad_input_is_a_400_field_map_and_writes_nothing(tenant_a, org):
    with in_tenant(tenant_a):
        wrong_list = item("industry", "it").pk  # not a customer category
    response = api(tenant_a, org.boss).post(URL, {
        "name": "", "email": "nope", "heat": 9, "kind": "robot", "category": wrong_list, "hot_until": "2001-01-01",
        "contact": {"name": "", "email": "x"},
    }, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"name", "email", "heat", "kind", "category", "hot_until", "contact"} <= set(errors)
    assert set(errors["contact"]) == {"name", "email"}
    assert api(tenant_a, org.boss).post(URL, ["not", "an", "object"], format="json").status_code == 400
    assert api(tenant_a, org.boss).post(URL, "{", content_type="application/json").status_code == 400
    with in_tenant(tenant_a):
        assert not Customer.objects.exists()


def test_owner_is_set_on_create_within_the_scope_and_changed_by_transfer_only(tenant_a, org, book):
    manager = api(tenant_a, org.manager)
    response = manager.post(URL, {"name": "东方电子", "owner": org.sales1.pk}, format="json")
    assert response.status_code == 201 and response.json()["owner"] == org.sales1.pk
    response = manager.post(URL, {"name": "西部电子", "owner": org.sales_w.pk}, format="json")
    assert response.status_code == 400 and "owner" in response.json()["errors"]
    response = manager.patch(f"{URL}{book['zhang'].pk}/", {"owner": org.manager.pk}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["owner"] == ["Change the owner with a transfer."]
    response = manager.patch(f"{URL}{book['zhang'].pk}/", {"number": " "}, format="json")
    assert response.status_code == 400 and "number" in response.json()["errors"]


def test_a_taken_number_or_an_invisible_parent_is_400(tenant_a, org, book):
    sales1 = api(tenant_a, org.sales1)
    number = book["huaxing"].number
    response = sales1.patch(f"{URL}{book['zhang'].pk}/", {"number": number}, format="json")
    assert response.status_code == 400 and "already in use" in response.json()["errors"]["number"][0]
    response = sales1.patch(f"{URL}{book['zhang'].pk}/", {"parent": book["huaxing"].pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()["errors"]
    response = sales1.patch(f"{URL}{book['zhang'].pk}/", {"parent": book["changan"].pk}, format="json")
    assert response.status_code == 200 and response.json()["parent_name"] == "重庆长安汽车配件有限公司"
    assert names(sales1.get(URL, {"parent": book["changan"].pk})) == ["张三"]
    response = sales1.patch(f"{URL}{book['changan'].pk}/", {"parent": book["zhang"].pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()["errors"]  # no loops


# --- status, hot flag, history --------------------------------------------------------------------


def test_status_grade_value_class_change_is_in_the_data_log(tenant_a, org, book):
    with in_tenant(tenant_a):
        vip, value_a = item("customer_grade", "vip").pk, item("value_class", "a").pk
    sales1 = api(tenant_a, org.sales1)
    url = f"{URL}{book['zhang'].pk}/"
    response = sales1.post(f"{url}status/", {"status": "intention", "grade": vip, "value_class": value_a}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "intention" and body["grade"]["key"] == "vip" and body["value_class"]["key"] == "a"
    assert sales1.post(f"{url}status/", {}, format="json").status_code == 400
    assert sales1.post(f"{url}status/", {"status": "lost"}, format="json").status_code == 400
    log = sales1.get(f"{url}history/").json()
    changes = {c["field"]: (c["old"], c["new"]) for c in log[0]["changes"]}
    assert changes["status"] == ("Prospect", "Intention") and changes["grade"] == ("—", "VIP")
    assert log[0]["user"] == str(org.sales1) and log[-1]["action"] == "created"


def test_hot_flag(tenant_a, org, book):
    with in_tenant(tenant_a):
        reason = item("hot_reason", "about_to_sign").pk
    url = f"{URL}{book['zhang'].pk}/hot/"
    sales1 = api(tenant_a, org.sales1)
    until = str(timezone.localdate() + timedelta(days=7))
    body = sales1.post(url, {"is_hot": True, "heat": 4, "hot_reason": reason, "hot_until": until}, format="json").json()
    assert body["is_hot"] and body["heat"] == 4 and body["hot_reason"]["key"] == "about_to_sign" and body["hot_until"] == until
    for bad in ({"is_hot": True, "heat": 6}, {"is_hot": True}, {"is_hot": True, "heat": 2, "hot_until": "2001-01-01"}, {}):
        assert sales1.post(url, bad, format="json").status_code == 400
    body = sales1.post(url, {"is_hot": False}, format="json").json()
    assert not body["is_hot"] and body["heat"] is None and body["hot_reason"] is None and body["hot_until"] is None
    assert names(sales1.get(URL, {"is_hot": "true"})) == []


# --- sharing, transfer and merge over the API -----------------------------------------------------


def test_share_endpoints(tenant_a, org, book):
    sales1 = api(tenant_a, org.sales1)
    url = f"{URL}{book['zhang'].pk}/"
    response = sales1.post(f"{url}share/", {"users": [org.sales2.pk, org.sales_w.pk], "level": "write"}, format="json")
    assert response.status_code == 200, response.content
    assert {s["user"]: s["level"] for s in response.json()} == {org.sales2.pk: "write", org.sales_w.pk: "write"}
    assert sales1.post(f"{url}share/", {"users": [org.sales1.pk]}, format="json").status_code == 400
    assert sales1.post(f"{url}share/", {"users": [999999]}, format="json").status_code == 400
    assert sales1.post(f"{url}share/", {"users": [org.sales2.pk], "level": "admin"}, format="json").status_code == 400
    # A read share may not share on.
    sales1.post(f"{url}share/", {"users": [org.sales2.pk], "level": "read"}, format="json")
    response = api(tenant_a, org.sales2).post(f"{url}share/", {"users": [org.hotline_user.pk]}, format="json")
    assert response.status_code == 403
    shares = sales1.get(f"{url}shares/").json()
    assert {s["user_name"]: (s["level"], s["expired"]) for s in shares} == {
        str(org.sales2): ("read", False), str(org.sales_w): ("write", False)}
    # Anyone gives up their own share; otherwise the editor removes it.
    assert api(tenant_a, org.sales2).delete(f"{url}share/{org.sales2.pk}/").status_code == 204
    assert api(tenant_a, org.sales2).get(url).status_code == 404
    assert sales1.delete(f"{url}share/{org.sales_w.pk}/").status_code == 204
    assert sales1.delete(f"{url}share/{org.sales_w.pk}/").status_code == 404
    assert sales1.get(f"{url}shares/").json() == []


def test_batch_transfer_is_all_or_nothing(tenant_a, org, book):
    manager = api(tenant_a, org.manager)
    ids = [book["changan"].pk, book["zhang"].pk]
    response = manager.post(f"{URL}transfer/", {"ids": [*ids, book["hailian"].pk], "to_user": org.sales2.pk}, format="json")
    assert response.status_code == 400 and "ids" in response.json()["errors"]  # hailian is outside East
    with in_tenant(tenant_a):
        assert set(Customer.objects.filter(pk__in=ids).values_list("owner_id", flat=True)) == {org.sales1.pk}
    response = manager.post(f"{URL}transfer/", {"ids": ids, "to_user": org.sales2.pk}, format="json")
    assert response.status_code == 200 and response.json() == {"transferred": 2}
    assert names(api(tenant_a, org.sales1).get(URL)) == []
    response = api(tenant_a, org.sales2).post(
        f"{URL}transfer/", {"id": book["zhang"].pk, "to_user": org.maintainer.pk}, format="json")
    assert response.status_code == 400 and "to_user" in response.json()["errors"]
    log = api(tenant_a, org.boss).get(f"{URL}{book['zhang'].pk}/history/").json()
    assert {"field": "owner", "old": str(org.sales1), "new": str(org.sales2)} in log[0]["changes"]


def test_merge_over_the_api(tenant_a, org, book):
    with in_tenant(tenant_a):
        dup = make(org.sales1, "重庆长安汽车配件公司", phone="023-6666 8888", contact={"name": "王强"})
    sales1 = api(tenant_a, org.sales1)
    response = sales1.post(f"{URL}merge/", {"survivor": book["changan"].pk, "merged": dup.pk}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["moved"]["customers.contact"] == 1 and body["survivor"]["id"] == book["changan"].pk
    assert sales1.get(f"{URL}{dup.pk}/").status_code == 404
    assert sales1.post(f"{URL}merge/", {"survivor": book["changan"].pk, "merged": book["changan"].pk},
                       format="json").status_code == 400
    response = sales1.post(f"{URL}merge/", {"survivor": book["changan"].pk, "merged": book["hailian"].pk}, format="json")
    assert response.status_code == 400 and "merged" in response.json()["errors"]  # not visible: unknown


# --- contacts -------------------------------------------------------------------------------------


def test_contacts_scope_search_index_and_birthdays(tenant_a, org, book):
    with in_tenant(tenant_a):
        services.save_contact(None, customer=book["hailian"], by=org.boss, name="王芳", birthday=date(1985, 3, 20))
        services.save_contact(None, customer=book["zhang"], by=org.boss, name="Lucy Smith", birthday=date(1991, 7, 1))
    boss, sales1 = api(tenant_a, org.boss), api(tenant_a, org.sales1)
    contacts = "/api/v1/contacts/"
    assert set(names(sales1.get(contacts))) == {"欧阳娜娜", "Lucy Smith"}
    assert set(names(boss.get(contacts))) == {"欧阳娜娜", "王芳", "Lucy Smith"}
    assert names(boss.get(contacts, {"surname_initial": "o"})) == ["欧阳娜娜"]
    assert names(boss.get(contacts, {"surname_initial": "W"})) == ["王芳"]
    assert names(boss.get(contacts, {"birthday_month": 3})) == ["欧阳娜娜", "王芳"]  # by day of the month
    assert names(boss.get(contacts, {"search": "wf"})) == ["王芳"]
    assert names(boss.get(contacts, {"search": "0000"})) == ["欧阳娜娜"]
    assert names(boss.get(contacts, {"customer": book["zhang"].pk})) == ["Lucy Smith"]
    assert boss.get(contacts, {"birthday_month": 13}).status_code == 400
    this_month = boss.get(contacts, {"birthday_month": "this"})
    assert this_month.status_code == 200
    # Contacts of a customer shared with you come with it.
    with in_tenant(tenant_a):
        sharing.share(book["hailian"], [org.sales1], "read", by=org.sales2)
    assert "王芳" in names(sales1.get(contacts))


def test_contact_crud_follows_the_customer(tenant_a, org, book):
    contacts = "/api/v1/contacts/"
    sales1, sales2 = api(tenant_a, org.sales1), api(tenant_a, org.sales2)
    response = sales1.post(contacts, {"customer": book["zhang"].pk, "name": "赵六", "mobile": "186 0000 1111"}, format="json")
    assert response.status_code == 201, response.content
    contact_id = response.json()["id"]
    assert names(sales1.get(URL, {"search": "1111"})) == ["张三"]
    # Someone else's customer is "not found"; a read share is 403.
    response = sales2.post(contacts, {"customer": book["zhang"].pk, "name": "x"}, format="json")
    assert response.status_code == 400 and "customer" in response.json()["errors"]
    assert sales2.get(f"{contacts}{contact_id}/").status_code == 404
    with in_tenant(tenant_a):
        sharing.share(book["zhang"], [org.sales2], "read", by=org.sales1)
    assert sales2.get(f"{contacts}{contact_id}/").status_code == 200
    assert sales2.patch(f"{contacts}{contact_id}/", {"title": "CEO"}, format="json").status_code == 403
    response = sales1.patch(f"{contacts}{contact_id}/", {"title": "CEO", "email": "bad"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["email"]
    response = sales1.patch(f"{contacts}{contact_id}/", {"title": "CEO", "customer": book["changan"].pk}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "CEO"
    assert response.json()["customer"] == book["zhang"].pk  # a contact stays with its customer
    assert sales1.delete(f"{contacts}{contact_id}/").status_code == 403  # Sales may not delete
    manager = api(tenant_a, org.manager)
    assert manager.delete(f"{contacts}{contact_id}/").status_code == 204
    with in_tenant(tenant_a):
        assert Contact.all_objects.get(pk=contact_id).deleted_at is not None
    assert names(sales1.get(URL, {"search": "1111"})) == []


def test_the_schema_documents_the_endpoints(tenant_a, org):
    response = api(tenant_a, org.boss).get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/customers/{id}/share/{user_id}/", "/api/v1/customers/merge/", "/api/v1/contacts/"):
        assert path in text
