"""RFC 8058 unsubscribe links: a GET only asks; a POST with no session and no CSRF token
suppresses at once; a forged, altered or other company's token gets 404 and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from saas_core.sending import suppression, unsubscribe
from saas_core.sending.models import Channel, Reason, Suppression
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def link(info, address="Wang@BJ-tech.cn", source="test:1") -> str:
    with in_tenant(info):
        return unsubscribe.url_path(unsubscribe.token_for(Channel.EMAIL, address, source))


def test_get_asks_and_a_one_click_post_without_session_or_csrf_unsubscribes(tenant_a):
    url = link(tenant_a)
    client = Client(HTTP_HOST=tenant_a.host, HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and "wa***@bj-tech.cn" in page.content.decode()
    assert "Wang@BJ-tech.cn" not in page.content.decode()
    with in_tenant(tenant_a):
        assert not Suppression.objects.exists()  # a GET never unsubscribes (mail scanners follow links)
    done = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and 'data-testid="unsubscribed"' in done.content.decode()
    assert client.post(url, "List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code == 200  # twice is fine
    with in_tenant(tenant_a):
        entry = Suppression.objects.get()
        assert (entry.address, entry.reason, entry.source) == ("wang@bj-tech.cn", Reason.UNSUBSCRIBE, "test:1")
        assert suppression.is_suppressed(Channel.EMAIL, "wang@bj-tech.cn")


def test_forged_altered_or_foreign_tokens_get_404(tenant_a, tenant_b):
    url = link(tenant_a)
    token = url.split("/")[-2]
    b = Client(HTTP_HOST=tenant_b.host)
    a = Client(HTTP_HOST=tenant_a.host)
    assert b.get(url).status_code == 404 and b.post(url).status_code == 404  # A's token on B's host
    altered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert a.post(f"/sending/unsubscribe/{altered}/").status_code == 404
    assert a.post("/sending/unsubscribe/not-a-token/").status_code == 404
    assert a.get("/sending/unsubscribe/").status_code == 404  # nothing lists recipients
    for info in (tenant_a, tenant_b):
        with in_tenant(info):
            assert not Suppression.objects.exists()
