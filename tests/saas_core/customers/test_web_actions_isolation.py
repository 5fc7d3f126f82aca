"""Tenant isolation of the share, transfer and merge pages: a user of company B cannot share,
transfer or merge company A's customers by any URL (CUS-05, CUS-09)."""

from __future__ import annotations

import pytest

from saas_core.customers import services, sharing
from saas_core.customers.models import Customer, CustomerShare
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def test_company_b_cannot_share_transfer_or_merge_company_a_customers(client_for, tenant_a, tenant_b, boss_a,
                                                                       make_user):
    colleague_a = make_user(tenant_a, username="colleague-a", role="sales")
    boss_b = make_user(tenant_b, role="boss", username="boss-b-actions")
    with in_tenant(tenant_a):
        first = services.create_customer(by=boss_a, name="Alpha Secret One")
        second = services.create_customer(by=boss_a, name="Alpha Secret Two")
        sharing.share(first, [colleague_a], "read", by=boss_a)
    with in_tenant(tenant_b):
        # A's ids name nothing in company B (its own customers live in its own schema).
        assert not Customer.all_objects.filter(pk__in=[first.pk, second.pk]).exists()
    b = client_for(tenant_b, boss_b)
    attempts = [
        ("get", f"/customers/{first.pk}/transfer/", {}),
        ("post", f"/customers/{first.pk}/transfer/", {"to_user": boss_b.pk, "confirm": "1"}),
        ("post", f"/customers/{first.pk}/share/", {"users": [boss_b.pk], "level": "write"}),
        ("get", f"/customers/{first.pk}/share/{colleague_a.pk}/remove/", {}),
        ("post", f"/customers/{first.pk}/share/{colleague_a.pk}/remove/", {}),
        ("get", f"/customers/{first.pk}/merge/", {}),
        ("get", f"/customers/{second.pk}/merge/{first.pk}/", {}),
        ("post", f"/customers/{second.pk}/merge/{first.pk}/", {}),
    ]
    for method, url, data in attempts:
        response = getattr(b, method)(url, data)
        assert response.status_code == 404, (method, url)
        assert "Alpha Secret" not in response.content.decode()
    batch = b.post("/customers/transfer/", {"ids": [first.pk, second.pk], "to_user": boss_b.pk, "confirm": "1"})
    assert batch.status_code == 302  # "tick at least one customer": A's ids are nothing here

    # B's session means nothing on A's host: sent to sign in, nothing changed.
    cookie = b.cookies
    on_a = client_for(tenant_a)
    on_a.cookies = cookie
    for method, url, data in attempts:
        response = getattr(on_a, method)(url, data)
        assert response.status_code == 302 and "/login/" in response.url, (method, url)
    with in_tenant(tenant_a):
        assert set(Customer.objects.filter(pk__in=[first.pk, second.pk]).values_list("owner_id", flat=True)) == {boss_a.pk}
        assert list(CustomerShare.objects.filter(customer=first).values_list("user_id", "level")) == [
            (colleague_a.pk, "read")]
        assert Customer.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
