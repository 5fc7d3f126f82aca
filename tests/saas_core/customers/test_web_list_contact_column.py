"""The customer list's contact column (issue 14): the primary contact and a number to call, and
the batch toolbar that waits for a ticked row."""

import re

import pytest

from tests.saas_core.customers.conftest import add

pytestmark = pytest.mark.django_db


def row_of(html: str, name: str) -> str:
    for row in re.findall(r'<tr data-testid="customer-row".*?</tr>', html, re.S):
        if name in row:
            return row
    raise AssertionError(f"{name} is not listed")


def test_each_row_shows_its_primary_contact_with_tel_and_sms_links(client_for, tenant_a, boss_a):
    from saas_core.customers import services
    from tests.conftest import in_tenant

    customer = add(tenant_a, boss_a, "北京华兴科技有限公司", contact={"name": "刘洋", "mobile": "139 0571 0000"})
    with in_tenant(tenant_a):
        services.save_contact(None, customer=customer, by=boss_a, name="王五", mobile="13800000000")  # not the primary
    add(tenant_a, boss_a, "上海远景贸易有限公司", contact={"name": "陈静", "phone": "021-6234 5678"})
    add(tenant_a, boss_a, "无联系人公司")
    html = client_for(tenant_a, boss_a).get("/customers/").content.decode()
    assert "Contact / mobile" in html

    first = row_of(html, "北京华兴科技有限公司")
    assert "刘洋" in first and "王五" not in first
    assert 'href="tel:13905710000"' in first and 'href="sms:13905710000"' in first
    landline = row_of(html, "上海远景贸易有限公司")
    assert 'href="tel:02162345678"' in landline and "sms:" not in landline  # a landline takes no text
    assert 'data-testid="customer-contact"></td>' in row_of(html, "无联系人公司")


def test_the_contact_column_costs_one_query_per_page(client_for, tenant_a, boss_a, django_assert_max_num_queries):
    for i in range(30):
        add(tenant_a, boss_a, f"批量公司{i:02d}", contact={"name": f"联系人{i}", "mobile": f"1390000{i:04d}"})
    client = client_for(tenant_a, boss_a)
    client.get("/customers/")  # warm the caches (dictionaries, menu)
    with django_assert_max_num_queries(25) as captured:
        client.get("/customers/?page_size=50")
    assert sum("customers_contact" in q["sql"] for q in captured.captured_queries) == 1


def test_the_batch_toolbar_starts_hidden(client_for, tenant_a, boss_a):
    add(tenant_a, boss_a, "某公司")
    html = client_for(tenant_a, boss_a).get("/customers/").content.decode()
    assert re.search(r'<form [^>]*data-testid="batch-form" hidden>', html)


def test_contact_list_numbers_are_links(client_for, tenant_a, boss_a):
    add(tenant_a, boss_a, "北京华兴科技有限公司", contact={"name": "刘洋", "mobile": "+86 139-0571-0000", "phone": "010-6234 5678 转 8001"})
    html = client_for(tenant_a, boss_a).get("/customers/contacts/").content.decode()
    assert 'href="tel:13905710000"' in html and 'href="sms:13905710000"' in html
    assert 'href="tel:01062345678"' in html
