"""A quote's page links to what it became (its contracts and orders), and each of those back to the
quote; only documents the reader may see are listed."""

from __future__ import annotations

import pytest

from saas_core.quotes import services as quotes
from tests.conftest import in_tenant
from tests.saas_core.contracts.conftest import add, product, quote

pytestmark = pytest.mark.django_db


def test_the_quote_page_lists_its_contract_and_order_and_they_link_back(org, tenant_a, client_for):
    customer = add(tenant_a, org.sales1, "链接客户")
    p = product(tenant_a, org.boss, "链接产品")
    q = quote(tenant_a, org.sales1, customer, [(p, "2", "10", "0")])
    with in_tenant(tenant_a):
        quotes.set_status(q, "sent", by=org.sales1)
        quotes.set_status(q, "accepted", by=org.sales1)
        made_contract = quotes.run_conversion(q, "contract", by=org.sales1)
        made_order = quotes.run_conversion(q, "order", by=org.sales1)
    web = client_for(tenant_a, org.sales1)
    html = web.get(f"/quotes/{q.pk}/").content.decode()
    became = html.split('data-testid="quote-became"')[1].split("</ul>")[0]
    assert f'href="/contracts/{made_contract.pk}/"' in became and f'href="/orders/{made_order.pk}/"' in became
    assert made_contract.number in became and made_order.number in became
    assert f'href="/quotes/{q.pk}/"' in web.get(f"/contracts/{made_contract.pk}/").content.decode()
    assert f'href="/quotes/{q.pk}/"' in web.get(f"/orders/{made_order.pk}/").content.decode()
