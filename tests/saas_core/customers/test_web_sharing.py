"""The 360° view's "Shared with" panel (CUS-05): list with levels and expiry, share form, removal
after a confirmation; what a read and a read-and-write share let the colleague do."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from saas_core.customers import sharing
from saas_core.customers.models import CustomerShare
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import add

pytestmark = pytest.mark.django_db


def panel(html: str) -> str:
    found = re.search(r'<section[^>]*data-panel="shares".*?</section>', html, re.S)
    return found.group(0) if found else ""


def shares(tenant, customer) -> dict[str, tuple]:
    with in_tenant(tenant):
        return {s.user.username: (s.level, s.expires_at) for s in CustomerShare.objects.filter(customer=customer)}


def test_the_owner_shares_read_only_and_the_colleague_sees_but_cannot_change(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "杭州云帆网络")
    owner = client_for(tenant_a, org.sales1)
    html = panel(owner.get(f"/customers/{customer.pk}/").content.decode())
    assert 'data-testid="no-shares"' in html and 'data-testid="share-form"' in html
    assert re.search(f'<option value="{org.sales2.pk}"[^>]*>Sales Li \\(Sales\\)</option>', html)
    assert f'value="{org.sales1.pk}"' not in html  # not with yourself
    assert f'value="{org.maintainer.pk}"' not in html  # may not view customers

    colleague = client_for(tenant_a, org.sales2)
    assert colleague.get(f"/customers/{customer.pk}/").status_code == 404
    day = timezone.localdate() + timedelta(days=7)
    done = owner.post(f"/customers/{customer.pk}/share/", {"users": [org.sales2.pk], "level": "read",
                                                          "expires_on": day.isoformat()})
    assert done.status_code == 302 and done.url == f"/customers/{customer.pk}/?tab=basic#panel-shares"
    level, until = shares(tenant_a, customer)["sales2"]
    assert level == "read" and timezone.localtime(until).date() == day + timedelta(days=1)  # all of that day
    listed = panel(owner.get(f"/customers/{customer.pk}/").content.decode())
    assert f'data-testid="share" data-user="{org.sales2.pk}" data-level="read" data-expired="0"' in listed
    assert "Sales Li" in listed and f"until {day.isoformat()}<" in listed and "by Sales Sun" in listed

    # The colleague: in the list and the 360° view, but nothing to change.
    assert "杭州云帆网络" in colleague.get("/customers/").content.decode()
    page = colleague.get(f"/customers/{customer.pk}/").content.decode()
    assert page.count('data-testid="edit-customer"') == 0 and 'data-testid="share-form"' not in page
    assert 'data-testid="merge-customer"' not in page and 'data-testid="transfer-customer"' not in page
    assert "Give up" in panel(page)  # their own share, which they may give up
    assert colleague.get(f"/customers/{customer.pk}/edit/").status_code == 403
    refused = colleague.post(f"/customers/{customer.pk}/share/", {"users": [org.sales_w.pk], "level": "read"})
    assert refused.status_code == 403 and "read-only" in refused.content.decode()
    assert colleague.post(f"/customers/{customer.pk}/classify/", {"status": "signed"}).status_code == 403
    assert set(shares(tenant_a, customer)) == {"sales2"}


def test_a_read_and_write_share_lets_the_colleague_edit_and_share_on(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "宁波海港物流")
    owner = client_for(tenant_a, org.sales1)
    assert owner.post(f"/customers/{customer.pk}/share/", {"users": [org.sales_w.pk], "level": "write"}).status_code == 302
    assert shares(tenant_a, customer) == {"sales_w": ("write", None)}
    colleague = client_for(tenant_a, org.sales_w)
    page = colleague.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="edit-customer"' in page and 'data-testid="share-form"' in page
    assert "no end date" in panel(page)
    edited = colleague.post(f"/customers/{customer.pk}/edit/", {"kind": "enterprise", "status": "intention",
                                                               "name": "宁波海港物流集团"})
    assert edited.status_code == 302
    assert colleague.post(f"/customers/{customer.pk}/share/", {"users": [org.sales2.pk], "level": "read"}).status_code == 302
    assert set(shares(tenant_a, customer)) == {"sales_w", "sales2"}


def test_share_form_errors_are_shown_next_to_the_fields(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "Errors Ltd")
    owner = client_for(tenant_a, org.sales1)
    nobody = owner.post(f"/customers/{customer.pk}/share/", {"users": [], "level": "read"})
    assert nobody.status_code == 200
    assert 'data-error-for="users">Choose at least one colleague.' in nobody.content.decode()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    late = owner.post(f"/customers/{customer.pk}/share/", {"users": [org.sales2.pk], "level": "read", "expires_on": past})
    html = late.content.decode()
    assert 'data-error-for="expires_on">The expiry must be in the future.' in html
    assert "<details open" in html  # the form comes back open, with its errors
    himself = owner.post(f"/customers/{customer.pk}/share/", {"users": [org.sales1.pk], "level": "read"})
    assert 'data-error-for="users"' in himself.content.decode()
    bad_level = owner.post(f"/customers/{customer.pk}/share/", {"users": [org.sales2.pk], "level": "admin"})
    assert 'data-error-for="level"' in bad_level.content.decode()
    assert shares(tenant_a, customer) == {}
    assert owner.get(f"/customers/{customer.pk}/share/").status_code == 405


def test_expired_shares_are_listed_as_expired_and_no_longer_open_the_customer(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "Expired Ltd")
    with in_tenant(tenant_a):
        sharing.share(customer, [org.sales2], "write", timezone.now() + timedelta(hours=1), by=org.sales1)
        CustomerShare.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    listed = panel(client_for(tenant_a, org.sales1).get(f"/customers/{customer.pk}/").content.decode())
    assert 'data-expired="1"' in listed and 'data-testid="share-expired"' in listed and "expired (until " in listed
    assert client_for(tenant_a, org.sales2).get(f"/customers/{customer.pk}/").status_code == 404


def test_removing_a_share_asks_first(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "Remove Ltd")
    with in_tenant(tenant_a):
        sharing.share(customer, [org.sales2, org.sales_w], "read", by=org.sales1)
    owner = client_for(tenant_a, org.sales1)
    url = f"/customers/{customer.pk}/share/{org.sales2.pk}/remove/"
    assert url in panel(owner.get(f"/customers/{customer.pk}/").content.decode())
    question = owner.get(url)
    assert question.status_code == 200 and "Stop sharing “Remove Ltd” with Sales Li (Read)?" in question.content.decode()
    assert set(shares(tenant_a, customer)) == {"sales2", "sales_w"}  # nothing removed by looking
    done = owner.post(url)
    assert done.status_code == 302 and set(shares(tenant_a, customer)) == {"sales_w"}
    assert client_for(tenant_a, org.sales2).get(f"/customers/{customer.pk}/").status_code == 404

    # A read-only colleague may not remove others' shares, only give up their own.
    colleague = client_for(tenant_a, org.sales_w)
    with in_tenant(tenant_a):
        sharing.share(customer, [org.sales2], "read", by=org.sales1)
    assert colleague.post(f"/customers/{customer.pk}/share/{org.sales2.pk}/remove/").status_code == 403
    own = f"/customers/{customer.pk}/share/{org.sales_w.pk}/remove/"
    assert "Give up your share" in colleague.get(own).content.decode()
    given_up = colleague.post(own)
    assert given_up.status_code == 302 and given_up.url == "/customers/"
    assert set(shares(tenant_a, customer)) == {"sales2"}
    assert owner.post(f"/customers/{customer.pk}/share/{org.sales_w.pk}/remove/").status_code == 404  # no such share


def test_sharing_is_404_outside_the_scope_and_needs_the_csrf_token(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "Scoped Ltd")
    outsider = client_for(tenant_a, org.sales_w)
    assert outsider.post(f"/customers/{customer.pk}/share/", {"users": [org.sales2.pk], "level": "write"}).status_code == 404
    assert outsider.get(f"/customers/{customer.pk}/share/{org.sales2.pk}/remove/").status_code == 404
    # Only the owner's side decides: the manager above the owner may share too.
    manager = client_for(tenant_a, org.manager)
    assert manager.post(f"/customers/{customer.pk}/share/", {"users": [org.sales2.pk], "level": "read"}).status_code == 302

    strict = Client(HTTP_HOST=tenant_a.host, HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    with in_tenant(tenant_a):
        strict.force_login(org.sales1)
    forged = strict.post(f"/customers/{customer.pk}/share/", {"users": [org.sales_w.pk], "level": "write"})
    assert forged.status_code == 403 and "sales_w" not in shares(tenant_a, customer)
    assert strict.post(f"/customers/{customer.pk}/share/{org.sales2.pk}/remove/").status_code == 403
    assert "sales2" in shares(tenant_a, customer)
