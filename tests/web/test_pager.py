"""Issue 14: the shared pager showed an empty page-size select where the view did not pass the
sizes (notifications, imports, announcements); it reads them from the page now."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

SELECT = re.compile(r'<select[^>]*name="page_size"[^>]*>(.*?)</select>', re.S)


@pytest.mark.parametrize("url", ["/activities/notifications/", "/imports/", "/announcements/",
                                 "/activities/tasks/", "/accounts/users/"])
def test_every_pager_offers_its_page_sizes(client_for, tenant_a, boss_a, url):
    html = client_for(tenant_a, boss_a).get(url).content.decode()
    [options] = SELECT.findall(html)
    assert re.findall(r'<option value="(\d+)"', options) == ["20", "50", "100"], url
    assert '<option value="20" selected>' in options
    sized = client_for(tenant_a, boss_a).get(url, {"page_size": 50}).content.decode()
    assert '<option value="50" selected>' in SELECT.findall(sized)[0]
