"""Transfer (CUS-05) from the 360° view and from the list's batch form: pick the new owner,
confirm (how many move), all or nothing; refusals explained."""

from __future__ import annotations

import re

import pytest

from saas_core.customers import sharing
from saas_core.customers.models import Customer
from saas_core.records.history import history_of
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import add

pytestmark = pytest.mark.django_db


def owners(tenant, *customers) -> list[str]:
    with in_tenant(tenant):
        return [Customer.objects.get(pk=c.pk).owner.username for c in customers]


def test_transfer_one_customer_from_its_360_view(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "杭州云帆网络")
    owner = client_for(tenant_a, org.sales1)
    url = f"/customers/{customer.pk}/transfer/"
    assert f'href="{url}"' in owner.get(f"/customers/{customer.pk}/").content.decode()
    pick = owner.get(url).content.decode()
    assert 'name="to_user"' in pick and re.search(f'<option value="{org.sales2.pk}"[^>]*>Sales Li \\(Sales\\)</option>', pick)
    assert f'<option value="{org.maintainer.pk}"' not in pick  # may not view customers

    asked = owner.post(url, {"to_user": org.sales2.pk})
    html = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="transfer-confirm"' in html
    assert "1 customer will move to Sales Li." in html and 'name="confirm" value="1"' in html
    assert owners(tenant_a, customer) == ["sales1"]  # not before confirming

    done = owner.post(url, {"to_user": org.sales2.pk, "confirm": "1"})
    assert done.status_code == 302 and done.url == "/customers/"  # no longer theirs to see
    assert owners(tenant_a, customer) == ["sales2"]
    assert "1 customer now belongs to Sales Li." in owner.get("/customers/").content.decode()
    with in_tenant(tenant_a):
        change = history_of(customer)[0]
    assert ("owner", "Sales Sun", "Sales Li") in {(c.field, c.old, c.new) for c in change.changes}

    # The director above both keeps seeing it, so lands back on its page.
    back = client_for(tenant_a, org.director).post(url, {"to_user": org.sales1.pk, "confirm": "1"})
    assert back.url == f"/customers/{customer.pk}/" and owners(tenant_a, customer) == ["sales1"]


def test_batch_transfer_confirms_how_many_will_move(client_for, tenant_a, org):
    a, b = add(tenant_a, org.sales1, "甲公司"), add(tenant_a, org.sales1, "乙公司")
    c = add(tenant_a, org.sales2, "丙公司")
    manager = client_for(tenant_a, org.director)
    assert 'data-batch="transfer"' in manager.get("/customers/").content.decode()
    ids = [a.pk, b.pk, c.pk]
    pick = manager.post("/customers/transfer/", {"ids": ids, "next": "/customers/?view=all"})
    html = pick.content.decode()
    assert pick.status_code == 200 and all(f'name="ids" value="{pk}"' in html for pk in ids)
    asked = manager.post("/customers/transfer/", {"ids": ids, "to_user": org.sales2.pk, "next": "/customers/?view=all"})
    html = asked.content.decode()
    assert 'data-count="2"' in html and "2 customers will move to Sales Li." in html
    assert "1 already belongs to Sales Li and stays as it is." in html
    assert owners(tenant_a, a, b, c) == ["sales1", "sales1", "sales2"]
    done = manager.post("/customers/transfer/", {"ids": ids, "to_user": org.sales2.pk, "confirm": "1",
                                                 "next": "/customers/?view=all"})
    assert done.status_code == 302 and done.url == "/customers/?view=all"
    assert owners(tenant_a, a, b, c) == ["sales2", "sales2", "sales2"]
    assert "2 customers now belong to Sales Li." in manager.get(done.url).content.decode()

    nothing = manager.post("/customers/transfer/", {"next": "/customers/"})
    assert nothing.status_code == 302
    assert "Tick at least one customer first." in manager.get("/customers/").content.decode()
    assert manager.get("/customers/transfer/").status_code == 405


def test_a_shared_customer_cannot_be_given_away(client_for, tenant_a, org):
    mine, shared = add(tenant_a, org.sales_w, "Mine Ltd"), add(tenant_a, org.sales1, "Shared Ltd")
    with in_tenant(tenant_a):
        sharing.share(shared, [org.sales_w], "write", by=org.sales1)
    colleague = client_for(tenant_a, org.sales_w)
    page = colleague.get(f"/customers/{shared.pk}/").content.decode()
    assert 'data-testid="edit-customer"' in page and 'data-testid="transfer-customer"' not in page
    refused = colleague.get(f"/customers/{shared.pk}/transfer/")
    assert refused.status_code == 403 and "only shared with you" in refused.content.decode()

    batch = colleague.post("/customers/transfer/", {"ids": [mine.pk, shared.pk], "to_user": org.sales2.pk,
                                                    "confirm": "1"})
    html = batch.content.decode()
    assert batch.status_code == 200 and 'data-testid="transfer-refused"' in html
    assert "Nothing can be transferred: “Shared Ltd” is only shared with you" in html
    assert 'data-testid="confirm-transfer"' not in html
    assert owners(tenant_a, mine, shared) == ["sales_w", "sales1"]  # all or nothing


def test_transfer_needs_the_edit_right_a_valid_owner_and_the_customer_in_sight(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "Rights Ltd")
    outsider = client_for(tenant_a, org.hotline_user)
    assert outsider.get(f"/customers/{customer.pk}/transfer/").status_code == 404
    hidden = outsider.post("/customers/transfer/", {"ids": [customer.pk], "to_user": org.hotline_user.pk,
                                                    "confirm": "1"})
    assert hidden.status_code == 302 and owners(tenant_a, customer) == ["sales1"]  # ids out of sight are dropped

    with in_tenant(tenant_a):
        from saas_core.org.models import RoleSetting

        setting = RoleSetting.objects.get(role="sales")
        setting.permissions = {**setting.permissions, "customers": ["view", "create"]}
        setting.save()
    denied = client_for(tenant_a, org.sales1).get(f"/customers/{customer.pk}/transfer/")
    assert denied.status_code == 403 and "may not edit customers" in denied.content.decode()
    assert 'data-batch="transfer"' not in client_for(tenant_a, org.sales1).get("/customers/").content.decode()

    boss = client_for(tenant_a, org.boss)
    bad = boss.post(f"/customers/{customer.pk}/transfer/", {"to_user": org.maintainer.pk, "confirm": "1"})
    assert bad.status_code == 200 and 'data-error-for="to_user"' in bad.content.decode()
    with in_tenant(tenant_a):
        org.sales2.is_active = False
        org.sales2.save(update_fields=["is_active"])
    disabled = boss.post(f"/customers/{customer.pk}/transfer/", {"to_user": org.sales2.pk, "confirm": "1"})
    assert 'data-error-for="to_user"' in disabled.content.decode()
    assert owners(tenant_a, customer) == ["sales1"]


def test_the_pages_speak_the_users_language(client_for, tenant_a, org):
    customer = add(tenant_a, org.sales1, "杭州云帆网络")
    with in_tenant(tenant_a):
        org.sales1.language = "zh-hans"
        org.sales1.save(update_fields=["language"])
    client = client_for(tenant_a, org.sales1)
    detail = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "移交…" in detail and "合并到…" in detail and "共享给" in detail and "尚未共享给任何人。" in detail
    asked = client.post(f"/customers/{customer.pk}/transfer/", {"to_user": org.sales2.pk}).content.decode()
    assert "1 个客户将移交给Sales Li。" in asked
    merge = client.get(f"/customers/{customer.pk}/merge/").content.decode()
    assert "未发现可能重复的客户" in merge
