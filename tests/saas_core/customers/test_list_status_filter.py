"""Issue 14: the quick filter "潜在客户" (a category) read like the status 潜在, so a list showing 11
customers as 潜在 gave 0 under it. Statuses are quick filters of their own, named "状态：潜在"."""

from __future__ import annotations

import re

import pytest

from saas_core.customers import services
from saas_core.dictionaries.services import get_item
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

TAB = re.compile(r'data-view="([^"]+)"[^>]*>([^<]+)</a>')


def rows(html: str) -> int:
    return html.count('data-testid="customer-name"')


@pytest.mark.parametrize("language, status_tab, category_tab", [
    ("zh-hans", "状态：潜在", "潜在客户"),
    ("en", "Status: Prospect", "Potential"),
])
def test_status_and_category_filters_are_named_apart_and_count_alike(
        client_for, tenant_a, boss_a, language, status_tab, category_tab):
    with in_tenant(tenant_a):
        type(boss_a).objects.filter(pk=boss_a.pk).update(language=language)
        for n in range(3):
            services.create_customer(by=boss_a, name=f"潜在测试{n}有限公司", status="prospect", confirm_duplicates=True)
        services.create_customer(by=boss_a, name="分类测试有限公司", status="signed",
                                 category=get_item("customer_category", "potential"), confirm_duplicates=True)
    client = client_for(tenant_a, boss_a)
    listing = client.get("/customers/").content.decode()
    tabs = dict(TAB.findall(listing))
    assert tabs["status-prospect"].strip() == status_tab
    assert tabs["potential"].strip() == category_tab
    labels = [label.strip() for label in tabs.values()]
    assert len(labels) == len(set(labels))  # no two filters read the same
    # What the status tab lists is what the status column shows, and the category tab its own.
    by_status = client.get("/customers/", {"status": "prospect"}).content.decode()
    assert rows(by_status) == 3 == by_status.count("<td>" + ("潜在" if language == "zh-hans" else "Prospect") + "</td>")
    assert rows(client.get("/customers/", {"view": "potential"}).content.decode()) == 1
