"""The customer list page: categories, sorting, page size, quick and advanced search, data scope,
batch changes and deletion to the recycle bin, and the charts' counts (CUS-01, CUS-07)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from saas_core.customers import services
from saas_core.customers.models import Customer, CustomerShare
from saas_core.dictionaries.services import get_item
from saas_core.records.models import BinEntry
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import add

pytestmark = pytest.mark.django_db

ROW_NAME = re.compile(r'data-testid="customer-name">([^<]+)<')


def item(tenant, type_key, key):
    with in_tenant(tenant):
        return get_item(type_key, key)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return ROW_NAME.findall(response.content.decode())


def test_categories_hot_and_not_followed(client_for, tenant_a, boss_a):
    today = timezone.localdate()
    add(tenant_a, boss_a, "Potential Co", category=item(tenant_a, "customer_category", "potential"))
    add(tenant_a, boss_a, "Zhang San", kind="individual", category=item(tenant_a, "customer_category", "vip"))
    add(tenant_a, boss_a, "Hot Co", is_hot=True, heat=4, hot_until=today + timedelta(days=3))
    add(tenant_a, boss_a, "Expired Hot Co", is_hot=True, heat=2, hot_until=today - timedelta(days=1))
    recent = add(tenant_a, boss_a, "Recently Called Co")
    stale = add(tenant_a, boss_a, "Long Ago Co")
    with in_tenant(tenant_a):
        Customer.objects.filter(pk=recent.pk).update(last_contact_at=timezone.now() - timedelta(days=3))
        Customer.objects.filter(pk=stale.pk).update(last_contact_at=timezone.now() - timedelta(days=45))
    client = client_for(tenant_a, boss_a)

    page = client.get("/customers/")
    assert len(names(page)) == 6
    html = page.content.decode()
    for key in ("all", "enterprise", "individual", "potential", "normal", "vip", "agent", "partner", "invalid", "hot",
                "not_followed"):
        assert f'data-view="{key}"' in html
    assert names(client.get("/customers/?view=individual")) == ["Zhang San"]
    assert "Zhang San" not in names(client.get("/customers/?view=enterprise"))
    assert names(client.get("/customers/?view=potential")) == ["Potential Co"]
    assert names(client.get("/customers/?view=vip")) == ["Zhang San"]
    assert names(client.get("/customers/?view=agent")) == []
    assert names(client.get("/customers/?view=hot")) == ["Hot Co"]  # an expired flag is not hot
    stale_30 = names(client.get("/customers/?view=not_followed"))
    assert "Long Ago Co" in stale_30 and "Potential Co" in stale_30 and "Recently Called Co" not in stale_30
    stale_60 = names(client.get("/customers/?view=not_followed&days=60"))
    assert "Long Ago Co" not in stale_60 and "Potential Co" in stale_60  # never contacted counts
    assert "Recently Called Co" in names(client.get("/customers/?view=not_followed&days=1"))


def test_sorting_by_columns_and_page_size(client_for, tenant_a, boss_a):
    for i in range(25):
        add(tenant_a, boss_a, f"Company {i:02d}", status="signed" if i % 2 else "prospect")
    client = client_for(tenant_a, boss_a)
    default = names(client.get("/customers/"))
    assert len(default) == 20 and default[0] == "Company 24"  # newest first
    assert names(client.get("/customers/?sort=name"))[:3] == ["Company 00", "Company 01", "Company 02"]
    assert names(client.get("/customers/?sort=-name"))[0] == "Company 24"
    by_status = names(client.get("/customers/?sort=status&page_size=50"))
    assert by_status[:12] == [f"Company {i:02d}" for i in range(0, 25, 2)][:12]  # prospect < signed, then by id
    assert len(names(client.get("/customers/?page_size=50"))) == 25
    assert len(names(client.get("/customers/?page_size=7"))) == 20  # not an offered size
    second = client.get("/customers/?page=2&sort=name")
    assert len(names(second)) == 5 and names(second)[0] == "Company 20"
    # The total is counted by its own request, loaded by the page (htmx), with the same filters.
    assert 'hx-get="/customers/count/?"' in second.content.decode()
    assert 'data-total="25"' in client.get("/customers/count/").content.decode()
    assert 'data-total="12"' in client.get("/customers/count/?status=signed").content.decode()
    assert 'data-total="0"' in client.get("/customers/count/?view=individual").content.decode()
    # A first page that is not full needs no count.
    small = client.get("/customers/?status=signed&page_size=50").content.decode()
    assert 'data-total="12"' in small and "hx-get=\"/customers/count/" not in small
    html = client.get("/customers/?sort=name").content.decode()
    assert 'class="sort active" href="?sort=-name"' in html  # a second click flips the order
    for column in ("number", "name", "status", "category", "industry", "owner", "last_contact", "created"):
        assert client.get(f"/customers/?sort=-{column}").status_code == 200


def test_quick_search_by_pinyin_number_and_phone_and_advanced_search(client_for, tenant_a, boss_a):
    signed = add(tenant_a, boss_a, "北京华兴科技有限公司", phone="010-6234 5678", status="signed",
                 industry=item(tenant_a, "industry", "it"), province="北京")
    add(tenant_a, boss_a, "上海远航贸易有限公司", phone="021-5888 1111", industry=item(tenant_a, "industry", "trade"),
        province="上海")
    add(tenant_a, boss_a, "重庆山城物流有限公司", status="signed", province="重庆")
    client = client_for(tenant_a, boss_a)
    assert names(client.get("/customers/?q=bjkj")) == ["北京华兴科技有限公司"]
    assert names(client.get("/customers/?q=5678")) == ["北京华兴科技有限公司"]
    assert names(client.get("/customers/?q=" + signed.number)) == ["北京华兴科技有限公司"]
    assert names(client.get("/customers/?q=cq")) == ["重庆山城物流有限公司"]
    assert names(client.get("/customers/?q=nothing-like-this")) == []

    it = item(tenant_a, "industry", "it")
    assert names(client.get(f"/customers/?status=signed&industry={it.pk}")) == ["北京华兴科技有限公司"]
    assert sorted(names(client.get("/customers/?status=signed"))) == sorted(["北京华兴科技有限公司", "重庆山城物流有限公司"])
    assert names(client.get("/customers/?province=上海&name=yuanhang")) == ["上海远航贸易有限公司"]
    today = timezone.localdate()
    assert len(names(client.get(f"/customers/?created_from={today}&created_to={today}"))) == 3
    assert names(client.get(f"/customers/?created_from={today + timedelta(days=1)}")) == []
    assert names(client.get(f"/customers/?owner={boss_a.pk}&hot=0&status=signed&view=enterprise&q=cq")) == [
        "重庆山城物流有限公司"]
    # A bad date is shown as an error and left out, the rest still filters.
    bad = client.get("/customers/?created_from=not-a-date&status=signed")
    assert len(names(bad)) == 2 and 'data-error-for="created_from"' in bad.content.decode()


def test_each_role_sees_its_data_scope(client_for, tenant_a, org):
    owners = {
        "boss": org.boss, "manager": org.manager, "sales1": org.sales1, "sales2": org.sales2, "sales_w": org.sales_w,
    }
    made = {key: add(tenant_a, user, f"Owned by {key}") for key, user in owners.items()}
    with in_tenant(tenant_a):
        CustomerShare.objects.create(customer=made["sales_w"], user=org.sales1, level="read")
        CustomerShare.objects.create(customer=made["sales2"], user=org.sales1, level="read",
                                     expires_at=timezone.now() - timedelta(days=1))  # expired: not seen
    seen = {key: set(names(client_for(tenant_a, getattr(org, key)).get("/customers/?page_size=100")))
            for key in ("boss", "director", "manager", "sales1", "sales2")}
    assert seen["sales1"] == {"Owned by sales1", "Owned by sales_w"}
    assert seen["sales2"] == {"Owned by sales2"}
    assert seen["manager"] == {"Owned by manager", "Owned by sales1"}  # his department (East), not Shanghai below it
    assert seen["director"] == {"Owned by manager", "Owned by sales1", "Owned by sales2", "Owned by sales_w"}
    assert seen["boss"] == {f"Owned by {k}" for k in owners}
    # Searching never widens the scope.
    assert names(client_for(tenant_a, org.sales2).get("/customers/?q=Owned")) == ["Owned by sales2"]
    # The owner filter offers only the users in scope.
    html = client_for(tenant_a, org.sales1).get("/customers/advanced/").content.decode()
    owner_select = re.search(r'<select name="owner".*?</select>', html, re.S).group(0)
    assert "Sales Sun" in owner_select and "Sales Li" not in owner_select


def test_list_queries_do_not_grow_with_the_rows(client_for, tenant_a, boss_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/customers/?sort=owner&page_size=50")
        return len(names(response)), len(ctx.captured_queries)

    def add_rows(start, count):
        for i in range(start, start + count):
            add(tenant_a, boss_a, f"Row {i}", category=item(tenant_a, "customer_category", "normal"),
                industry=item(tenant_a, "industry", "it"))

    client = client_for(tenant_a, boss_a)
    client.get("/customers/")  # the first request of a while also records the company's last activity
    add_rows(0, 3)
    rows, few = page_queries()
    add_rows(3, 30)
    more_rows, many = page_queries()
    assert (rows, more_rows) == (3, 33) and few == many  # owner, category and industry come with the rows


def test_batch_status_category_and_value_class_changes_go_to_the_data_log(client_for, tenant_a, boss_a):
    from saas_core.records.history import history_of

    a, b, c = (add(tenant_a, boss_a, n) for n in ("Batch A", "Batch B", "Batch C"))
    client = client_for(tenant_a, boss_a)
    response = client.post("/customers/batch/", {"action": "status", "status": "paused", "ids": [a.pk, b.pk],
                                                 "next": "/customers/?view=enterprise"})
    assert response.status_code == 302 and response.url == "/customers/?view=enterprise"
    vip = item(tenant_a, "customer_category", "vip")
    value_a = item(tenant_a, "value_class", "a")
    client.post("/customers/batch/", {"action": "category", "category": vip.pk, "ids": [b.pk, c.pk]})
    client.post("/customers/batch/", {"action": "value_class", "value_class": value_a.pk, "ids": [c.pk]})
    with in_tenant(tenant_a):
        got = {x.name: (x.status, x.category_id, x.value_class_id) for x in Customer.objects.all()}
        assert got == {"Batch A": ("paused", None, None), "Batch B": ("paused", vip.pk, None),
                       "Batch C": ("prospect", vip.pk, value_a.pk)}
        changes = [ch for e in history_of(Customer.objects.get(pk=a.pk)) for ch in e.changes]
        assert any(ch.field == "status" and ch.old == "Prospect" and ch.new == "Paused" for ch in changes)
    # No value chosen, or nothing ticked: a message, nothing changes.
    follow = client.post("/customers/batch/", {"action": "status", "status": "", "ids": [c.pk]}, follow=True)
    assert "Choose the new value first." in follow.content.decode()
    follow = client.post("/customers/batch/", {"action": "status", "status": "signed"}, follow=True)
    assert "Tick at least one customer first." in follow.content.decode()
    with in_tenant(tenant_a):
        assert Customer.objects.get(pk=c.pk).status == "prospect"


def test_batch_change_is_refused_naming_read_only_customers(client_for, tenant_a, org):
    own = add(tenant_a, org.sales1, "Mine Ltd")
    theirs = add(tenant_a, org.sales_w, "Shared Read Ltd")
    with in_tenant(tenant_a):
        CustomerShare.objects.create(customer=theirs, user=org.sales1, level="read")
    response = client_for(tenant_a, org.sales1).post(
        "/customers/batch/", {"action": "status", "status": "signed", "ids": [own.pk, theirs.pk]}, follow=True)
    assert "Nothing was changed: you may not change “Shared Read Ltd”." in response.content.decode()
    with in_tenant(tenant_a):
        assert set(Customer.objects.values_list("status", flat=True)) == {"prospect"}


def test_batch_delete_confirms_then_moves_to_the_recycle_bin(client_for, tenant_a, org):
    keep = add(tenant_a, org.manager, "Keep Ltd")
    one = add(tenant_a, org.manager, "Delete One Ltd", contact={"name": "王伟"})
    two = add(tenant_a, org.sales1, "Delete Two Ltd")
    outside = add(tenant_a, org.sales_w, "Not Mine Ltd")
    client = client_for(tenant_a, org.manager)
    confirm = client.post("/customers/batch/", {"action": "delete", "ids": [one.pk, two.pk]})
    html = confirm.content.decode()
    assert confirm.status_code == 200 and 'data-testid="to-delete"' in html
    assert "Delete One Ltd" in html and "Delete Two Ltd" in html and "Keep Ltd" not in html
    with in_tenant(tenant_a):
        assert Customer.objects.count() == 4  # nothing yet
    done = client.post("/customers/batch/", {"action": "delete", "confirm": "1", "ids": [one.pk, two.pk]}, follow=True)
    assert "2 customers moved to the recycle bin." in done.content.decode()
    with in_tenant(tenant_a):
        assert set(Customer.objects.values_list("name", flat=True)) == {"Keep Ltd", "Not Mine Ltd"}
        assert BinEntry.objects.filter(object_id__in=[one.pk, two.pk]).count() == 2
        assert Customer.all_objects.get(pk=one.pk).contacts.model.all_objects.filter(customer=one, deleted_at__isnull=False).exists()
    # A customer shared with the manager but owned outside his scope may not be deleted; nothing is.
    with in_tenant(tenant_a):
        CustomerShare.objects.create(customer=outside, user=org.manager, level="write")
    refused = client.post("/customers/batch/", {"action": "delete", "confirm": "1", "ids": [keep.pk, outside.pk]},
                          follow=True)
    assert "Nothing was deleted: you may not delete “Not Mine Ltd”." in refused.content.decode()
    with in_tenant(tenant_a):
        assert Customer.objects.filter(pk__in=[keep.pk, outside.pk]).count() == 2


def test_sales_may_not_batch_delete_and_sees_no_delete_button(client_for, tenant_a, org):
    own = add(tenant_a, org.sales1, "Mine Ltd")
    client = client_for(tenant_a, org.sales1)
    response = client.post("/customers/batch/", {"action": "delete", "ids": [own.pk]})
    assert response.status_code == 403 and "Your role (Sales) may not delete customers." in response.content.decode()
    html = client.get("/customers/").content.decode()
    assert 'data-batch="status"' in html and 'data-batch="delete"' not in html
    cs = client_for(tenant_a, org.cs)
    assert cs.post("/customers/batch/", {"action": "status", "status": "signed", "ids": [own.pk]}).status_code == 403


def test_charts_count_the_filtered_list_within_the_scope(client_for, tenant_a, org):
    source = item(tenant_a, "customer_source", "trade_fair")
    add(tenant_a, org.sales1, "S1 A", status="signed", source=source, province="浙江")
    add(tenant_a, org.sales1, "S1 B", status="signed", province="浙江", kind="individual")
    add(tenant_a, org.sales1, "S1 C", value_class=item(tenant_a, "value_class", "b"))
    add(tenant_a, org.sales_w, "W A", status="signed", province="浙江")
    data = client_for(tenant_a, org.sales1).get("/customers/charts/data/").json()
    charts = {c["key"]: {d["label"]: d["value"] for d in c["data"]} for c in data["charts"]}
    assert data["total"] == 3
    assert charts["status"] == {"Signed": 2, "Prospect": 1}
    assert charts["kind"] == {"Enterprise": 2, "Individual": 1}
    assert charts["source"] == {"Trade fair": 1, "Not set": 2}
    assert charts["province"] == {"浙江省": 2, "Not set": 1}  # stored as the standard name (issue 14)
    assert charts["value_class"] == {"B (medium value)": 1, "Not set": 2}
    assert charts["owner"] == {"Sales Sun": 3}
    assert set(charts) == {"kind", "customer_type", "status", "source", "industry", "province", "value_class", "owner",
                           "top_contracts", "top_payments"}  # the receivables' top 10 (issue 16)
    assert charts["top_contracts"] == {} and charts["top_payments"] == {}
    filtered = client_for(tenant_a, org.boss).get("/customers/charts/data/?status=signed").json()
    assert filtered["total"] == 3
    owners = next(c for c in filtered["charts"] if c["key"] == "owner")["data"]
    assert {d["label"]: d["value"] for d in owners} == {"Sales Sun": 2, "Sales Zhou": 1}
    page = client_for(tenant_a, org.sales1).get("/customers/charts/?view=hot")
    html = page.content.decode()
    assert page.status_code == 200 and "/static/vendor/echarts.min.js" in html and 'data-url="/customers/charts/data/?view=hot"' in html


def test_roles_without_customers_get_403_with_a_message_and_no_menu(client_for, tenant_a, make_user):
    keeper = make_user(tenant_a, role="warehouse_keeper")
    client = client_for(tenant_a, keeper)
    for url in ("/customers/", "/customers/new/", "/customers/charts/", "/customers/contacts/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Your role (Warehouse keeper) may not " in response.content.decode()
    workbench = client.get("/workbench/").content.decode()
    assert 'data-menu="customers"' not in workbench and 'data-menu="contacts"' not in workbench
    sales = client_for(tenant_a, make_user(tenant_a, role="sales")).get("/workbench/").content.decode()
    assert 'data-menu="customers"' in sales and 'data-menu="customer_new"' in sales and 'data-menu="contacts"' in sales


def test_export_and_import_links_follow_the_rights_and_keep_the_filters(client_for, tenant_a, org):
    boss = client_for(tenant_a, org.boss).get("/customers/?view=hot&q=abc&page=1").content.decode()
    assert 'href="/imports/export/customers.xlsx?view=hot&amp;q=abc"' in boss
    assert 'href="/imports/new/customers/"' in boss
    sales = client_for(tenant_a, org.sales1).get("/customers/").content.decode()
    assert 'data-testid="export-link"' not in sales  # Sales has no export_excel right
    contacts = client_for(tenant_a, org.boss).get("/customers/contacts/?surname=王").content.decode()
    assert 'href="/imports/export/contacts.xlsx?surname=%E7%8E%8B"' in contacts


@pytest.mark.parametrize("matching", [2, 9, 30])  # few matches, some, many
def test_search_pages_are_newest_first_however_many_match(client_for, tenant_a, boss_a, monkeypatch, matching):
    """A search is answered from the newest customers first when it matches many (windows of
    the newest 25 and 32 here, instead of 10,000 and 50,000); every page is exactly the
    newest-first order, whichever way it was found."""
    from saas_core.customers import queries

    monkeypatch.setattr(queries, "NEWEST_WINDOWS", (25, 32))
    monkeypatch.setattr(queries, "FEW_MATCHES", 4)
    monkeypatch.setattr(queries, "_window_bounds", {})
    wide_window_consulted = []
    slice_in = queries.newest_first_slice

    def spy(queryset, start, stop, values=()):
        rows = slice_in(queryset, start, stop, values)
        wide_window_consulted.append(any(key[2] == 32 for key in queries._window_bounds))
        return rows

    monkeypatch.setattr(queries, "newest_first_slice", spy)
    with in_tenant(tenant_a):
        now = timezone.now()
        created = []
        for i in range(40):
            name = f"北京星{i:02d}科技有限公司" if i % (40 // matching) == 0 and len(created) < matching else f"上海{i:02d}贸易有限公司"
            customer = services.create_customer(by=boss_a, name=name, confirm_duplicates=True, check_permission=False)
            # Creation times out of id order (imports, clocks): the order is by time, then id.
            Customer.objects.filter(pk=customer.pk).update(created_at=now - timedelta(hours=(i * 7) % 40))
            if name.startswith("北京"):
                created.append(customer.pk)
        expected = list(
            Customer.objects.filter(pk__in=created).order_by("-created_at", "-id").values_list("name", flat=True)
        )
    client = client_for(tenant_a, boss_a)
    shown = []
    for page in (1, 2, 3):
        shown += names(client.get(f"/customers/?q=bjkj&page_size=20&page={page}"))
    assert shown == expected
    assert wide_window_consulted[0] == (matching > 4)  # the wider window was consulted once there were many
    assert names(client.get("/customers/?q=北京 科技&page_size=20")) == expected[:20]
    if matching > 4:  # a stale window bound (kept for minutes) only widens the window
        monkeypatch.setattr(queries, "_window_bounds", {
            key: (value[0], now - timedelta(days=1)) for key, value in queries._window_bounds.items()
        })
        assert names(client.get("/customers/?q=bjkj&page_size=20")) == expected[:20]
