"""A new contact from the top bar's quick-create (issue 14): the form picks its customer with the
customer picker among those the user sees, saves through ``services.save_contact`` (the 撞单
warning included) and refuses a customer out of scope, read-only or of another company on the
customer field, with nothing written."""

from __future__ import annotations

import re

import pytest

from saas_core.customers import sharing
from saas_core.customers.models import Contact
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import add

pytestmark = pytest.mark.django_db

URL = "/customers/contacts/new/"


def contacts_of(tenant, customer) -> list[str]:
    with in_tenant(tenant):
        return list(Contact.objects.filter(customer_id=customer.pk).values_list("name", flat=True))


def field_errors(html: str, name: str) -> list[str]:
    return re.findall(rf'data-error-for="{name}">([^<]+)<', html)


def test_the_form_offers_the_customer_picker_and_saves_to_the_chosen_customer(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "杭州云帆网络")
    client = client_for(tenant_a, org.sales1)
    html = client.get(URL).content.decode()
    # The customer comes first, as a search-as-you-type picker (no list of every customer).
    assert re.search(r'<select name="customer"[^>]*data-picker="customer"', html)
    assert html.index('name="customer"') < html.index('name="name"')
    assert f'value="{customer.pk}"' not in html

    done = client.post(URL, {"customer": customer.pk, "name": "周杰", "mobile": "139 0000 2222"})
    assert done.status_code == 302 and done.url == f"/customers/{customer.pk}/?tab=contacts#panel-contacts"
    assert contacts_of(tenant_a, customer) == ["周杰"]


def test_missing_customer_and_name_are_named_and_nothing_is_saved(client_for, tenant_a, org):
    client = client_for(tenant_a, org.sales1)
    page = client.post(URL, {"customer": "", "name": ""})
    html = page.content.decode()
    assert page.status_code == 200
    assert field_errors(html, "customer") == ["Choose the customer this contact works for."]
    assert field_errors(html, "name")
    with in_tenant(tenant_a):
        assert not Contact.objects.exists()


def test_a_number_another_customer_has_warns_first(client_for, tenant_a, org):
    add(tenant_a, org.sales2, "已有客户", contact={"name": "老王", "mobile": "13900003333"})
    mine = add(tenant_a, org.sales1, "新客户")
    client = client_for(tenant_a, org.sales1)
    warned = client.post(URL, {"customer": mine.pk, "name": "小王", "mobile": "139 0000 3333"}).content.decode()
    assert 'data-testid="duplicate-warning"' in warned and "已有客户" in warned
    assert contacts_of(tenant_a, mine) == []
    done = client.post(URL, {"customer": mine.pk, "name": "小王", "mobile": "139 0000 3333", "confirm_duplicates": "on"})
    assert done.status_code == 302 and contacts_of(tenant_a, mine) == ["小王"]


def test_customers_out_of_scope_read_only_or_of_another_company_are_refused(
        client_for, tenant_a, tenant_b, make_user, org):
    other = add(tenant_a, org.sales_w, "西区客户")  # not in Sales Sun's scope
    shared = add(tenant_a, org.sales2, "只读共享客户")
    with in_tenant(tenant_a):
        sharing.share(shared, [org.sales1], level="read", by=org.sales2)
    foreign = add(tenant_b, make_user(tenant_b, role="boss"), "B 公司的客户")
    client = client_for(tenant_a, org.sales1)

    for customer in (other, foreign):
        html = client.post(URL, {"customer": customer.pk, "name": "越权"}).content.decode()
        assert field_errors(html, "customer") == [
            "Choose a customer you can see: search by name, pinyin, number or phone."], customer.name
    read_only = client.post(URL, {"customer": shared.pk, "name": "越权"}).content.decode()
    assert field_errors(read_only, "customer") == ["“只读共享客户” is shared with you read-only; you may not change it."]
    with in_tenant(tenant_a):
        assert not Contact.objects.filter(name="越权").exists()
    with in_tenant(tenant_b):
        assert not Contact.objects.filter(name="越权").exists()


def test_roles_without_contact_creation_get_no_form_and_no_quick_create_entry(client_for, tenant_a, org):
    maintainer = client_for(tenant_a, org.maintainer)
    assert maintainer.get(URL).status_code == 403
    assert 'data-create="create_contact"' not in maintainer.get("/workbench/").content.decode()
    for user in (org.sales1, org.manager, org.director):
        html = client_for(tenant_a, user).get("/workbench/").content.decode()
        assert 'data-create="create_contact"' in html, user.username
        assert client_for(tenant_a, user).get(URL).status_code == 200


def test_the_contact_list_links_to_the_form(client_for, tenant_a, org):
    html = client_for(tenant_a, org.sales1).get("/customers/contacts/").content.decode()
    assert f'href="{URL}" data-testid="new-contact"' in html


def test_the_form_speaks_chinese(client_for, tenant_a, make_user):
    boss = make_user(tenant_a, role="boss", language="zh-hans")
    html = client_for(tenant_a, boss).get(URL).content.decode()
    assert "新建联系人" in html and re.search(r'<label[^>]*for="id_customer">客户</label>', html)
    assert "Customer" not in html.split("<main", 1)[1]
