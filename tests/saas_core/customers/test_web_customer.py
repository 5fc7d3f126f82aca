"""Creating and editing a customer (duplicate warnings, quick create with a contact) and its 360°
view: panels, sections per role, status/grade/value class and hot flag changes in the data log,
contacts, sub-customers, deletion to the recycle bin, 404 outside the scope (CUS-02..04, CUS-07)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from saas_core.customers import services
from saas_core.customers.models import Contact, Customer, CustomerShare
from saas_core.customers.panels import register_panel, unregister_panel
from saas_core.dictionaries.services import get_item
from saas_core.org.models import RoleSetting
from saas_core.records.history import history_of
from saas_core.records.models import BinEntry
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

PANEL = re.compile(r'data-panel="([a-z_]+)"')


def add(tenant, by, name, **fields):
    with in_tenant(tenant):
        return services.create_customer(by=by, name=name, confirm_duplicates=True, check_permission=False, **fields)


def item(tenant, type_key, key):
    with in_tenant(tenant):
        return get_item(type_key, key)


def form_data(**fields) -> dict:
    data = {"kind": "enterprise", "status": "prospect", "name": ""}
    data.update(fields)
    return data


# --- create -------------------------------------------------------------------------------------


def test_duplicate_warning_before_saving_then_create_anyway(client_for, tenant_a, org):
    add(tenant_a, org.sales_w, "北京华兴科技有限公司", phone="010-6234 5678")
    client = client_for(tenant_a, org.sales1)
    page = client.get("/customers/new/")
    assert page.status_code == 200 and 'data-check-url="/customers/duplicates/"' in page.content.decode()

    warned = client.post("/customers/new/", form_data(name="北京华兴科技有限公司"))
    html = warned.content.decode()
    assert warned.status_code == 200 and 'data-testid="duplicate-warning"' in html
    assert "“北京华兴科技有限公司” — owner: Sales Zhou (same name)" in html
    assert 'name="confirm_duplicates"' in html
    by_phone = client.post("/customers/new/", form_data(name="华兴北京分部", contact_name="李雷", contact_phone="+86 10 62345678"))
    assert "owner: Sales Zhou (same phone number)" in by_phone.content.decode()
    with in_tenant(tenant_a):
        assert Customer.objects.count() == 1  # nothing saved yet

    created = client.post("/customers/new/", form_data(name="北京华兴科技有限公司", confirm_duplicates="on"))
    assert created.status_code == 302
    with in_tenant(tenant_a):
        mine = Customer.objects.get(name="北京华兴科技有限公司", owner=org.sales1)
    assert created.url == f"/customers/{mine.pk}/"


def test_live_duplicate_check_json(client_for, tenant_a, org):
    existing = add(tenant_a, org.sales_w, "上海远航贸易有限公司", phone="021-5888 1111")
    client = client_for(tenant_a, org.sales1)
    found = client.get("/customers/duplicates/", {"name": "上海远航贸易有限公司"}).json()
    assert found == {"duplicates": [{"name": "上海远航贸易有限公司", "owner": "Sales Zhou", "reason": "same name",
                                     "text": "“上海远航贸易有限公司” — owner: Sales Zhou (same name)"}]}
    by_phone = client.get("/customers/duplicates/", {"name": "X", "phone": ["", "+86 21 5888 1111"]}).json()
    assert [d["reason"] for d in by_phone["duplicates"]] == ["same phone number"]
    assert client.get("/customers/duplicates/", {"name": "上海远航贸易有限公司", "exclude": existing.pk}).json() == {
        "duplicates": []}
    assert client.get("/customers/duplicates/", {"name": "Nobody"}).json() == {"duplicates": []}
    refused = client_for(tenant_a, org.maintainer).get("/customers/duplicates/", {"name": "上海远航贸易有限公司"})
    assert refused.status_code == 403


def test_live_duplicate_warning_is_whole_in_chinese(client_for, tenant_a, org):
    """Issue 14: it read `“%北京华兴科技有限公司” — owner: %刘洋` (a stray %, English in the zh UI)."""
    add(tenant_a, org.sales_w, "北京华兴科技有限公司")
    with in_tenant(tenant_a):
        type(org.sales1).objects.filter(pk=org.sales1.pk).update(language="zh-hans")
    client = client_for(tenant_a, org.sales1)
    [found] = client.get("/customers/duplicates/", {"name": "北京华兴科技有限公司"}).json()["duplicates"]
    assert found["text"] == "“北京华兴科技有限公司”——负责人：Sales Zhou（名称相同）"
    assert "data-duplicate-text" not in client.get("/customers/new/").content.decode()  # no template left to fill
    assert client_for(tenant_a).get("/customers/duplicates/?name=x").status_code == 401


def test_quick_create_with_first_contact_and_dictionaries(client_for, tenant_a, boss_a):
    industry = item(tenant_a, "industry", "it")
    role = item(tenant_a, "contact_role", "decision_maker")
    response = client_for(tenant_a, boss_a).post("/customers/new/", form_data(
        name="杭州云帆网络科技有限公司", phone="0571-8888 1234", industry=industry.pk, province="浙江", city="杭州",
        contact_name="欧阳娜娜", contact_title="采购经理", contact_mobile="139 0571 0000", contact_role=role.pk,
    ))
    assert response.status_code == 302
    with in_tenant(tenant_a):
        customer = Customer.objects.get(name="杭州云帆网络科技有限公司")
        contact = customer.contacts.get()
    assert customer.industry_id == industry.pk and customer.number.startswith("KH") and customer.owner == boss_a
    assert (contact.name, contact.title, contact.mobile, contact.role_id, contact.is_primary) == (
        "欧阳娜娜", "采购经理", "139 0571 0000", role.pk, True)
    detail = client_for(tenant_a, boss_a).get(response.url).content.decode()
    assert "欧阳娜娜" in detail and "IT and internet" in detail


def test_bad_input_shows_form_errors_and_saves_nothing(client_for, tenant_a, boss_a):
    add(tenant_a, boss_a, "Numbered Ltd", number="KH-TAKEN")
    client = client_for(tenant_a, boss_a)
    response = client.post("/customers/new/", form_data(name="", email="nope", kind="alien", contact_email="x"))
    html = response.content.decode()
    assert response.status_code == 200
    for field in ("name", "email", "kind", "contact_email"):
        assert f'data-error-for="{field}"' in html, field
    taken = client.post("/customers/new/", form_data(name="Another Ltd", number="KH-TAKEN"))
    assert 'data-error-for="number"' in taken.content.decode()
    unknown_parent = client.post("/customers/new/", form_data(name="Branch Ltd", parent=987654))
    assert "Choose a customer you can see" in unknown_parent.content.decode()
    half_contact = client.post("/customers/new/", form_data(name="Contactless Ltd", contact_mobile="13800000000"))
    assert 'data-error-for="contact_name"' in half_contact.content.decode()
    with in_tenant(tenant_a):
        assert list(Customer.objects.values_list("name", flat=True)) == ["Numbered Ltd"]


def test_customer_service_may_not_create(client_for, tenant_a, org):
    response = client_for(tenant_a, org.cs).get("/customers/new/")
    assert response.status_code == 403
    assert "Your role (Customer service) may not create customers." in response.content.decode()


# --- edit ---------------------------------------------------------------------------------------


def test_edit_with_parent_and_the_read_only_share_is_refused(client_for, tenant_a, org):
    group = add(tenant_a, org.sales1, "Group Holding", number="KH-GROUP")
    branch = add(tenant_a, org.sales1, "Group Branch")
    client = client_for(tenant_a, org.sales1)
    page = client.get(f"/customers/{branch.pk}/edit/")
    assert page.status_code == 200 and "Group Branch" in page.content.decode()
    response = client.post(f"/customers/{branch.pk}/edit/", form_data(
        name="Group Branch Shenzhen", status="intention", parent=group.pk, email="a@b.cn"))
    assert response.status_code == 302
    with in_tenant(tenant_a):
        branch.refresh_from_db()
    assert (branch.name, branch.status, branch.parent_id) == ("Group Branch Shenzhen", "intention", group.pk)
    assert branch.number.startswith("KH")  # left empty on the form: kept
    loop = client.post(f"/customers/{group.pk}/edit/", form_data(name="Group Holding", parent=branch.pk))
    assert "cannot belong to itself or to one of its sub-customers" in loop.content.decode()
    # The parent's 360° view lists the branch; the branch names its parent.
    assert "Group Branch Shenzhen" in client.get(f"/customers/{group.pk}/").content.decode()
    assert 'data-testid="parent-customer"' in client.get(f"/customers/{branch.pk}/").content.decode()

    shared = add(tenant_a, org.sales_w, "West Shared Ltd")
    with in_tenant(tenant_a):
        CustomerShare.objects.create(customer=shared, user=org.sales1, level="read")
    assert client.get(f"/customers/{shared.pk}/").status_code == 200
    refused = client.get(f"/customers/{shared.pk}/edit/")
    assert refused.status_code == 403 and "is shared with you read-only" in refused.content.decode()
    assert 'data-testid="edit-customer"' not in client.get(f"/customers/{shared.pk}/").content.decode()
    assert client.post(f"/customers/{shared.pk}/classify/", {"status": "signed"}).status_code == 403
    cs = client_for(tenant_a, org.cs).get(f"/customers/{shared.pk}/edit/")
    assert cs.status_code == 403 and "Your role (Customer service) may not edit customers." in cs.content.decode()


# --- the 360° view --------------------------------------------------------------------------------


def test_360_view_is_404_outside_the_scope_and_for_another_company(client_for, tenant_a, tenant_b, org, make_user):
    west = add(tenant_a, org.sales_w, "West Only Ltd")
    client = client_for(tenant_a, org.sales1)
    for url in (f"/customers/{west.pk}/", f"/customers/{west.pk}/edit/", f"/customers/{west.pk}/delete/",
                f"/customers/{west.pk}/contacts/new/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/customers/{west.pk}/hot/", {"is_hot": "on", "heat": 3}).status_code == 404
    assert client_for(tenant_a, org.director).get(f"/customers/{west.pk}/").status_code == 200

    boss_b = make_user(tenant_b, role="boss", username="boss-b2")
    with in_tenant(tenant_b):
        other = services.create_customer(by=boss_b, name="Beta Secret Co")
    with in_tenant(tenant_a):
        assert not Customer.all_objects.filter(pk=other.pk).exists()
    response = client_for(tenant_a, org.boss).get(f"/customers/{other.pk}/")
    assert response.status_code == 404 and "Beta Secret Co" not in response.content.decode()
    assert client_for(tenant_b, boss_b).get(f"/customers/{other.pk}/").status_code == 200


def test_360_view_is_built_from_registered_panels_and_sections(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "Panel Ltd", contact={"name": "张三", "mobile": "13800001111"})
    boss_html = client_for(tenant_a, org.boss).get(f"/customers/{customer.pk}/").content.decode()
    builtin = ["basic", "hot", "children", "contacts", "data_log"]  # tab by tab: basic (main, side), contacts, log
    assert [p for p in PANEL.findall(boss_html) if p in builtin] == builtin
    sales_html = client_for(tenant_a, org.sales1).get(f"/customers/{customer.pk}/").content.decode()
    assert "data_log" not in PANEL.findall(sales_html)  # the data log is the Boss's

    def quotes(request, c):
        return {"children": [], "parent": None} if request.user.role != "sales" else None

    register_panel("test_quotes", "Quotes", "customers/panels/children.html", quotes, order=50, section="followups")
    try:
        with in_tenant(tenant_a):
            RoleSetting.objects.filter(role="customer_service").update(customer_sections=["contacts"])
        boss = PANEL.findall(client_for(tenant_a, org.boss).get(f"/customers/{customer.pk}/").content.decode())
        assert "test_quotes" in boss
        assert "test_quotes" not in PANEL.findall(
            client_for(tenant_a, org.sales1).get(f"/customers/{customer.pk}/").content.decode())
        cs = PANEL.findall(client_for(tenant_a, org.cs).get(f"/customers/{customer.pk}/").content.decode())
        assert [p for p in cs if p in builtin] == ["contacts"]  # Customer service sees only the sections the Boss allowed
    finally:
        unregister_panel("test_quotes")
    with pytest.raises(LookupError):
        register_panel("bad", "Bad", "x.html", quotes, section="no_such_section")


def test_status_grade_and_value_class_changes_land_in_the_data_log(client_for, tenant_a, boss_a):
    customer = add(tenant_a, boss_a, "Log Ltd")
    vip = item(tenant_a, "customer_grade", "vip")
    value_b = item(tenant_a, "value_class", "b")
    client = client_for(tenant_a, boss_a)
    response = client.post(f"/customers/{customer.pk}/classify/",
                           {"status": "signed", "grade": vip.pk, "value_class": value_b.pk})
    assert response.status_code == 302
    with in_tenant(tenant_a):
        log = history_of(Customer.objects.get(pk=customer.pk))
    changes = {c.field: (c.old, c.new) for c in log[0].changes}
    assert changes["status"] == ("Prospect", "Signed") and changes["grade"] == ("—", "VIP")
    assert changes["value class"] == ("—", "B (medium value)") and log[0].user == boss_a
    html = client.get(f"/customers/{customer.pk}/", {"tab": "log"}).content.decode()
    panel = html[html.index('data-testid="recent-changes"'):]
    assert "Prospect → Signed" in panel and f'href="/records/customers.customer/{customer.pk}/history/"' in html
    bad = client.post(f"/customers/{customer.pk}/classify/", {"status": "bogus"})
    assert bad.status_code == 200 and 'data-error-for="status"' in bad.content.decode()


def test_hot_flag_with_heat_reason_and_expiry(client_for, tenant_a, boss_a):
    customer = add(tenant_a, boss_a, "Hot Ltd")
    reason = item(tenant_a, "hot_reason", "about_to_sign")
    client = client_for(tenant_a, boss_a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(f"/customers/{customer.pk}/hot/",
                           {"is_hot": "on", "heat": 5, "hot_reason": reason.pk, "hot_until": tomorrow.isoformat()})
    assert response.status_code == 302
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-hot="1"' in html and "Heat 5 of 5" in html and "About to sign" in html
    with in_tenant(tenant_a):
        Customer.objects.filter(pk=customer.pk).update(hot_until=timezone.localdate() - timedelta(days=1))
    expired = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-hot="0"' in expired and "the flag expired" in expired
    missing_heat = client.post(f"/customers/{customer.pk}/hot/", {"is_hot": "on", "heat": ""})
    assert 'data-error-for="heat"' in missing_heat.content.decode()
    too_hot = client.post(f"/customers/{customer.pk}/hot/", {"is_hot": "on", "heat": 9})
    assert 'data-error-for="heat"' in too_hot.content.decode()


def test_contacts_are_added_edited_and_deleted_from_the_360_view(client_for, tenant_a, org):
    customer = add(tenant_a, org.manager, "Contacts Ltd")
    client = client_for(tenant_a, org.manager)
    response = client.post(f"/customers/{customer.pk}/contacts/new/", {
        "name": "王芳", "title": "财务总监", "mobile": "138 0013 8000", "email": "wf@example.cn", "wechat": "wangfang",
        "birthday": "1985-06-01", "is_primary": "on",
    })
    assert response.status_code == 302
    with in_tenant(tenant_a):
        contact = Contact.objects.get(name="王芳")
        assert contact.surname == "王" and customer.phone_numbers.filter(digits="13800138000").exists()
    assert client.post(f"/customers/contacts/{contact.pk}/edit/", {"name": "王芳", "title": "CFO"}).status_code == 302
    with in_tenant(tenant_a):
        contact.refresh_from_db()
    assert contact.title == "CFO"
    bad = client.post(f"/customers/{customer.pk}/contacts/new/", {"name": "", "email": "x"})
    assert 'data-error-for="name"' in bad.content.decode() and 'data-error-for="email"' in bad.content.decode()
    assert client.get(f"/customers/contacts/{contact.pk}/delete/").status_code == 200
    assert client.post(f"/customers/contacts/{contact.pk}/delete/").status_code == 302
    with in_tenant(tenant_a):
        assert not Contact.objects.filter(pk=contact.pk).exists()
        assert not customer.phone_numbers.exists()
    # Sales may add contacts to their own customers, not to one shared read-only.
    shared = add(tenant_a, org.sales_w, "Shared Contacts Ltd")
    with in_tenant(tenant_a):
        CustomerShare.objects.create(customer=shared, user=org.sales1, level="read")
    sales = client_for(tenant_a, org.sales1)
    assert sales.get(f"/customers/{shared.pk}/contacts/new/").status_code == 403
    own = add(tenant_a, org.sales1, "Own Contacts Ltd")
    assert sales.post(f"/customers/{own.pk}/contacts/new/", {"name": "Li Lei"}).status_code == 302


def test_delete_confirms_then_moves_to_the_recycle_bin_with_contacts(client_for, tenant_a, org):
    customer = add(tenant_a, org.manager, "Bin Ltd", contact={"name": "赵六"})
    client = client_for(tenant_a, org.manager)
    confirm = client.get(f"/customers/{customer.pk}/delete/")
    assert confirm.status_code == 200 and "Its 1 contact goes with it." in confirm.content.decode()
    assert client.post(f"/customers/{customer.pk}/delete/").status_code == 302
    with in_tenant(tenant_a):
        assert not Customer.objects.filter(pk=customer.pk).exists()
        entry = BinEntry.objects.get(object_id=customer.pk)
        assert entry.dependants == 1 and Contact.all_objects.get(name="赵六").bin_entry_id == entry.pk
    assert client.get(f"/customers/{customer.pk}/").status_code == 404

    own = add(tenant_a, org.sales1, "Sales Own Ltd")
    refused = client_for(tenant_a, org.sales1).get(f"/customers/{own.pk}/delete/")
    assert refused.status_code == 403 and "Your role (Sales) may not delete customers." in refused.content.decode()
    outside = add(tenant_a, org.sales_w, "Outside Ltd")
    with in_tenant(tenant_a):
        CustomerShare.objects.create(customer=outside, user=org.manager, level="write")
    not_in_scope = client.get(f"/customers/{outside.pk}/delete/")
    assert not_in_scope.status_code == 403 and "not in your data scope" in not_in_scope.content.decode()
