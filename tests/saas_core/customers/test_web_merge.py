"""Merge from the 360° view (CUS-09): choose the survivor among customers you may change, see what
moves, confirm; the merged customer goes to the recycle bin and the survivor's page opens."""

from __future__ import annotations

import re

import pytest

from saas_core.customers import services, sharing
from saas_core.customers.models import Contact, Customer
from saas_core.records.models import BinEntry
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import add

pytestmark = pytest.mark.django_db


def candidates(html: str) -> list[int]:
    table = re.search(r'data-testid="merge-candidates".*?</table>', html, re.S).group(0)
    return [int(pk) for pk in re.findall(r'<tr data-id="(\d+)"', table)]


def test_pick_the_survivor_among_customers_you_may_change(client_for, tenant_a, org):
    twin = add(tenant_a, org.sales1, "北京华兴科技有限公司", phone="010-62345678")
    dupe = add(tenant_a, org.sales1, "北京华兴科技有限公司")
    by_phone = add(tenant_a, org.sales2, "华兴北京分部", phone="+86 10 6234 5678")
    read_only = add(tenant_a, org.sales_w, "北京华兴科技有限公司 西区")
    elsewhere = add(tenant_a, org.hotline_user, "北京华兴科技有限公司")  # same name, out of sight
    with in_tenant(tenant_a):
        sharing.share(read_only, [org.sales1], "read", by=org.sales_w)
    client = client_for(tenant_a, org.sales1)
    assert 'data-testid="merge-customer"' in client.get(f"/customers/{dupe.pk}/").content.decode()

    suggested = candidates(client.get(f"/customers/{dupe.pk}/merge/").content.decode())
    assert suggested == [twin.pk]  # same name and editable; not itself, not the hidden namesake
    found = candidates(client.get(f"/customers/{dupe.pk}/merge/", {"q": "bjhx"}).content.decode())
    assert twin.pk in found and read_only.pk not in found and elsewhere.pk not in found and dupe.pk not in found
    assert candidates(client.get(f"/customers/{dupe.pk}/merge/", {"q": twin.number}).content.decode()) == [twin.pk]
    assert by_phone.pk not in candidates(client.get(f"/customers/{twin.pk}/merge/").content.decode())  # not in scope
    director = client_for(tenant_a, org.director)
    assert by_phone.pk in candidates(director.get(f"/customers/{twin.pk}/merge/").content.decode())  # same phone

    nothing = client.get(f"/customers/{dupe.pk}/merge/", {"q": "zzzz"}).content.decode()
    assert 'data-testid="no-candidates"' in nothing


def test_confirmation_shows_what_moves_then_the_merged_one_goes_to_the_bin(client_for, tenant_a, org):
    survivor = add(tenant_a, org.sales1, "杭州云帆网络科技有限公司", contact={"name": "王五"})
    merged = add(tenant_a, org.sales1, "杭州云帆网络", phone="0571-8888 1234", email="info@yunfan.cn",
                 contact={"name": "欧阳娜娜", "mobile": "139 0571 0000"})
    child = add(tenant_a, org.sales1, "云帆上海分公司", parent=merged)
    with in_tenant(tenant_a):
        services.save_contact(None, customer=merged, by=org.sales1, name="李雷", phone="021-5888 6666")
        sharing.share(merged, [org.sales_w], "read", by=org.sales1)
    client = client_for(tenant_a, org.sales1)
    url = f"/customers/{merged.pk}/merge/{survivor.pk}/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    moves = dict(re.findall(r'<tr data-what="([^"]+)"><td>[^<]*</td><td class="text-end" data-count="(\d+)"', html))
    assert moves == {"contacts": "2", "phone numbers": "3", "sub-customers": "1", "shares": "1"}
    assert "goes to the recycle bin" in html and "e-mail" in html and "phone" in html  # fields filled in
    with in_tenant(tenant_a):
        assert Customer.objects.filter(pk=merged.pk).exists()  # nothing done by looking

    done = client.post(url)
    assert done.status_code == 302 and done.url == f"/customers/{survivor.pk}/"
    shown = client.get(done.url).content.decode()
    assert "has been merged into “杭州云帆网络科技有限公司” and moved to the recycle bin" in shown
    assert "contacts: 2" in shown
    with in_tenant(tenant_a):
        assert not Customer.objects.filter(pk=merged.pk).exists()
        assert BinEntry.objects.filter(object_id=merged.pk, label="杭州云帆网络").exists()
        assert sorted(Contact.objects.filter(customer=survivor).values_list("name", flat=True)) == ["李雷", "欧阳娜娜", "王五"]
        assert Customer.objects.get(pk=child.pk).parent_id == survivor.pk
        kept = Customer.objects.get(pk=survivor.pk)
        assert (kept.phone, kept.email) == ("0571-8888 1234", "info@yunfan.cn")
    assert client.get(f"/customers/{merged.pk}/").status_code == 404


def test_merge_refusals(client_for, tenant_a, org):
    mine = add(tenant_a, org.sales1, "Mine Ltd")
    read_only = add(tenant_a, org.sales_w, "Read Only Ltd")
    hidden = add(tenant_a, org.hotline_user, "Hidden Ltd")
    with in_tenant(tenant_a):
        sharing.share(read_only, [org.sales1], "read", by=org.sales_w)
    client = client_for(tenant_a, org.sales1)
    into_read_only = client.get(f"/customers/{mine.pk}/merge/{read_only.pk}/")
    assert into_read_only.status_code == 403 and "you cannot merge into it" in into_read_only.content.decode()
    assert client.post(f"/customers/{mine.pk}/merge/{read_only.pk}/").status_code == 403
    assert client.get(f"/customers/{read_only.pk}/merge/").status_code == 403  # may not change it
    assert 'data-testid="merge-customer"' not in client.get(f"/customers/{read_only.pk}/").content.decode()
    assert client.post(f"/customers/{mine.pk}/merge/{hidden.pk}/").status_code == 404
    assert client.post(f"/customers/{mine.pk}/merge/{mine.pk}/").status_code == 404
    with in_tenant(tenant_a):
        assert Customer.objects.filter(pk__in=[mine.pk, read_only.pk, hidden.pk]).count() == 3
