"""The contact list (CON-01): search, the surname index (百家姓), birthdays this month, sorting,
page size and the data scope (a contact is seen with its customer)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from saas_core.customers import services
from saas_core.customers.models import Contact
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr data-testid="contact-row" data-id="\d+">\s*<td>([^<]+)<')


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def names(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [n.strip() for n in ROW.findall(response.content.decode())]


def customer_with(tenant, by, name, *contacts):
    with in_tenant(tenant):
        customer = services.create_customer(by=by, name=name, confirm_duplicates=True, check_permission=False)
        for fields in contacts:
            services.save_contact(None, customer=customer, by=by, **fields)
    return customer


def other_month(today: date) -> int:
    return 1 if today.month != 1 else 2


def test_surname_index_birthdays_and_search(client_for, tenant_a, boss_a):
    today = timezone.localdate()
    customer_with(tenant_a, boss_a, "Contacts A Ltd",
                  {"name": "王伟", "mobile": "138 0000 1111", "birthday": date(1980, today.month, 1)},
                  {"name": "王芳", "birthday": date(1990, other_month(today), 15)},
                  {"name": "李娜", "title": "经理"},
                  {"name": "欧阳娜娜", "birthday": date(1975, today.month, min(today.day, 28))},
                  {"name": "John Smith", "email": "john@example.com"})
    client = client_for(tenant_a, boss_a)
    page = client.get("/customers/contacts/")
    html = page.content.decode()
    assert len(names(page)) == 5
    assert all(f'data-initial="{letter}"' in html for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    surnames = re.findall(r'data-surname="([^"]+)">[^<]*<span class="opacity-75">(\d+)<', html)
    assert surnames[0] == ("王", "2") and ("欧阳", "1") in surnames and ("Smith", "1") in surnames

    assert sorted(names(client.get("/customers/contacts/?surname=王"))) == ["王伟", "王芳"]
    assert names(client.get("/customers/contacts/?initial=O")) == ["欧阳娜娜"]
    assert names(client.get("/customers/contacts/?initial=w")) in (["王伟", "王芳"], ["王芳", "王伟"])
    assert names(client.get("/customers/contacts/?initial=S")) == ["John Smith"]  # a Western surname is the last word
    assert sorted(names(client.get("/customers/contacts/?birthday_month=on"))) == ["欧阳娜娜", "王伟"]
    assert names(client.get("/customers/contacts/?q=ww")) == ["王伟"]
    assert names(client.get("/customers/contacts/?q=1111")) == ["王伟"]
    assert names(client.get("/customers/contacts/?sort=birthday"))[:3] == ["欧阳娜娜", "王伟", "王芳"]
    assert names(client.get("/customers/contacts/?sort=-birthday"))[0] == "王芳"


def test_contacts_follow_the_customer_scope_and_page_size(client_for, tenant_a, boss_a, make_user):
    mine = make_user(tenant_a, role="sales", name="Sales Mine")
    other = make_user(tenant_a, role="sales", name="Sales Other")
    customer_with(tenant_a, mine, "Mine Ltd", *({"name": f"张{i:02d}"} for i in range(25)))
    customer_with(tenant_a, other, "Theirs Ltd", {"name": "周其他"})
    sales = client_for(tenant_a, mine)
    first = names(sales.get("/customers/contacts/"))
    assert len(first) == 20 and "周其他" not in first
    assert len(names(sales.get("/customers/contacts/?page_size=50"))) == 25
    assert 'data-total="25"' in sales.get("/customers/contacts/count/").content.decode()
    assert 'data-total="0"' in sales.get("/customers/contacts/count/?surname=周").content.decode()
    assert "周其他" not in names(sales.get("/customers/contacts/?q=zhou"))
    html = sales.get("/customers/contacts/").content.decode()
    assert 'data-surname="周"' not in html and 'data-surname="张"' in html
    assert len(names(client_for(tenant_a, boss_a).get("/customers/contacts/?page_size=50"))) == 26


def contact_form(**fields) -> dict:
    data = {"name": "", "gender": "", "mobile": "", "phone": ""}
    data.update(fields)
    return data


def test_a_number_of_another_customer_is_warned_on_contact_edit_and_add(client_for, tenant_a, boss_a, make_user):
    """Like the quick create's first contact: a number another customer already has is a
    warning (naming that customer and its owner) before saving, then "save anyway"."""
    zhou = make_user(tenant_a, username="zhou-dup", name="Sales Zhou", role="sales")
    customer_with(tenant_a, zhou, "北京华兴科技有限公司", {"name": "张伟", "mobile": "138 1234 5678"})
    mine = customer_with(tenant_a, boss_a, "杭州云帆", {"name": "李雷", "mobile": "139 0000 0001", "phone": "0571-8888 1234"})
    with in_tenant(tenant_a):
        contact = mine.contacts.get()
    client = client_for(tenant_a, boss_a)
    url = f"/customers/contacts/{contact.pk}/edit/"
    assert 'data-testid="duplicate-warning"' not in client.get(url).content.decode()

    unchanged = client.post(url, contact_form(name="李雷 Li", mobile="139 0000 0001", phone="0571-8888 1234"))
    assert unchanged.status_code == 302  # its own numbers again: nothing to warn about

    warned = client.post(url, contact_form(name="李雷", mobile="+86 138-1234-5678", phone="0571-8888 1234"))
    html = warned.content.decode()
    assert warned.status_code == 200 and 'data-testid="duplicate-warning"' in html
    assert "This number already belongs to another customer: “北京华兴科技有限公司” (owner: Sales Zhou)" in html
    assert 'name="confirm_duplicates"' in html and "Save anyway" in html
    with in_tenant(tenant_a):
        assert Contact.objects.get(pk=contact.pk).mobile == "139 0000 0001"  # nothing saved yet
    saved = client.post(url, contact_form(name="李雷", mobile="+86 138-1234-5678", phone="0571-8888 1234",
                                          confirm_duplicates="on"))
    assert saved.status_code == 302
    with in_tenant(tenant_a):
        assert Contact.objects.get(pk=contact.pk).mobile == "+86 138-1234-5678"

    # A number of the same customer is no duplicate; the same on adding a contact.
    same = client.post(f"/customers/{mine.pk}/contacts/new/", contact_form(name="韩梅梅", phone="0571 88881234"))
    assert same.status_code == 302
    other = client.post(f"/customers/{mine.pk}/contacts/new/", contact_form(name="王强", mobile="13812345678"))
    assert 'data-testid="duplicate-warning"' in other.content.decode()
    with in_tenant(tenant_a):
        assert sorted(mine.contacts.values_list("name", flat=True)) == ["李雷", "韩梅梅"]
