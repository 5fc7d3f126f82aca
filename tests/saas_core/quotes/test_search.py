"""Quotes in the top bar's global search and the quote list's search: number, subject and customer
with pinyin like the customer list, within the data scope and the company."""

from __future__ import annotations

import re

import pytest

from saas_core.accounts.models import User
from tests.conftest import in_tenant
from tests.saas_core.quotes.conftest import add, product, quote

pytestmark = pytest.mark.django_db


def hits(html: str) -> list[str]:
    return re.findall(r'<span class="search-hit-title">([^<]+)</span>', html)


def test_quotes_are_found_by_number_subject_and_customer_with_pinyin_within_the_scope(org, tenant_a, client_for):
    mine = add(tenant_a, org.sales1, "杭州远景科技有限公司")
    theirs = add(tenant_a, org.sales_w, "杭州远方贸易有限公司")
    p = product(tenant_a, org.boss, "搜索产品")
    found = quote(tenant_a, org.sales1, mine, [(p, "1", "10", "0")], subject="年度采购框架")
    hidden = quote(tenant_a, org.sales_w, theirs, [(p, "1", "10", "0")], subject="年度采购补充")
    web = client_for(tenant_a, org.sales1)
    title = f"{found.number} · 年度采购框架"
    for query in ("ndcg", "年度采购", "hzyj", "远景科技", found.number):
        suggest = web.get("/search/suggest/", {"q": query}).content.decode()
        assert title in hits(suggest), query
        assert hidden.number not in suggest, query
    page = web.get("/search/", {"q": "ndcg"}).content.decode()
    assert 'data-search-group="quotes"' in page and "年度采购框架" in page
    listed = web.get("/quotes/?q=ndcg").content.decode()
    assert found.number in listed and hidden.number not in listed
    boss = client_for(tenant_a, org.boss).get("/search/suggest/", {"q": "ndcg"}).content.decode()
    assert found.number in boss and hidden.number in boss
    # Roles without the quotes module, and the maintainer, get no quote group.
    for user in (org.cs, org.maintainer):
        assert 'data-search-group="quotes"' not in client_for(tenant_a, user).get("/search/", {"q": "ndcg"}).content.decode()


def test_another_company_never_finds_them(org, tenant_a, tenant_b, client_for):
    customer = add(tenant_a, org.sales1, "甲方独有报价客户")
    p = product(tenant_a, org.boss, "甲方产品")
    secret = quote(tenant_a, org.sales1, customer, [(p, "1", "10", "0")], subject="甲方独有报价")
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    web = client_for(tenant_b, boss_b)
    link = f'href="/quotes/{secret.pk}/"'  # company B has no quotes at all, so no id of its own
    for query in ("甲方独有报价", "jfdybj", secret.number):
        assert hits(web.get("/search/suggest/", {"q": query}).content.decode()) == [], query
        assert link not in web.get("/search/", {"q": query}).content.decode(), query
        assert link not in web.get("/quotes/", {"q": query}).content.decode(), query
