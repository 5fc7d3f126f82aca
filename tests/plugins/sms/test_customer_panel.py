"""The SMS module's 360° panel arrives through the crm_customer_panels hook as a tab of its own,
loaded on demand; where the module is off there is no tab and its panel URL is a 404."""

from __future__ import annotations

import re

import pytest

from saas_core.customers.services import create_customer
from tests.conftest import in_tenant
from tests.saas_core.org.conftest import build_org

pytestmark = pytest.mark.django_db
TAB = re.compile(r'data-tab="([a-z_]+)"')


def test_sms_tab_is_lazy_where_the_module_is_on_and_absent_where_off(tenant_a, boss_a, make_user, client_for,
                                                                     sms_a, switch_module):
    org = build_org(tenant_a, boss_a, make_user)
    with in_tenant(tenant_a):
        customer = create_customer(by=org.boss, name="短信面板客户", confirm_duplicates=True)
    client = client_for(tenant_a, org.boss)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "sms" in TAB.findall(html)
    assert f'data-panel-src="/customers/{customer.pk}/panels/sms/?partial=1"' in html  # not loaded with the page
    panel = client.get(f"/customers/{customer.pk}/panels/sms/", {"partial": "1"})
    assert panel.status_code == 200 and "<html" not in panel.content.decode()

    switch_module(tenant_a, "sms", False)
    assert "sms" not in TAB.findall(client.get(f"/customers/{customer.pk}/").content.decode())
    assert client.get(f"/customers/{customer.pk}/panels/sms/", {"partial": "1"}).status_code == 404
