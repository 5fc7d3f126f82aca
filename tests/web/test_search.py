"""The top bar's global search (issue 14): customers (pinyin, phone) and contacts, grouped, within
the user's data scope and company."""

import re

import pytest

from saas_core.customers import services
from tests.conftest import in_tenant
from tests.saas_core.org.conftest import build_org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add(tenant, owner, name: str, **fields):
    with in_tenant(tenant):
        return services.create_customer(by=owner, name=name, confirm_duplicates=True, check_permission=False, **fields)


def titles(html: str) -> list[str]:
    return re.findall(r'<span class="search-hit-title">([^<]+)</span>', html)


def test_suggestions_find_customers_by_pinyin_and_phone_and_contacts_by_name(client_for, tenant_a, boss_a):
    add(tenant_a, boss_a, "北京华兴科技有限公司", contact={"name": "刘洋", "mobile": "13905710000"})
    add(tenant_a, boss_a, "上海远景贸易有限公司")
    client = client_for(tenant_a, boss_a)

    by_initials = client.get("/search/suggest/", {"q": "bjhx"}).content.decode()
    assert titles(by_initials) == ["北京华兴科技有限公司"]
    assert 'data-search-group="customers"' in by_initials and "13905710000" in by_initials  # its primary mobile

    by_phone = client.get("/search/suggest/", {"q": "13905710000"}).content.decode()
    assert "北京华兴科技有限公司" in titles(by_phone)

    contact = client.get("/search/suggest/", {"q": "刘洋"}).content.decode()
    assert 'data-search-group="contacts"' in contact and "刘洋" in titles(contact)
    # Every suggestion and the "all results" line are options for the keyboard.
    assert contact.count("data-search-hit") == len(titles(contact)) + 1
    assert "/search/?q=%E5%88%98%E6%B4%8B" in contact


def test_the_results_page_groups_hits_and_links_to_the_full_lists(client_for, tenant_a, boss_a):
    for i in range(23):
        add(tenant_a, boss_a, f"华兴分公司{i:02d}")
    page = client_for(tenant_a, boss_a).get("/search/", {"q": "华兴"}).content.decode()
    assert len(re.findall(r'<li class="list-group-item" data-search-hit>', page)) == 20
    assert 'href="/customers/?q=%E5%8D%8E%E5%85%B4"' in page  # "show all" goes to the customer list


def test_nothing_found_says_so_in_both_languages(client_for, tenant_a, boss_a, make_user):
    en = client_for(tenant_a, boss_a).get("/search/", {"q": "zzzqqq"}).content.decode()
    assert "Nothing found for “zzzqqq”." in en
    chinese = make_user(tenant_a, role="boss", language="zh-hans")
    zh = client_for(tenant_a, chinese).get("/search/", {"q": "zzzqqq"}).content.decode()
    assert "没有找到与“zzzqqq”相符的结果。" in zh
    assert client_for(tenant_a, boss_a).get("/search/suggest/", {"q": "  "}).content.decode().strip() == ""


def test_search_keeps_to_the_data_scope(client_for, tenant_a, boss_a, make_user):
    org = build_org(tenant_a, boss_a, make_user)
    add(tenant_a, org.sales1, "贸易孙氏公司", contact={"name": "孙联系人", "mobile": "13800000001"})
    add(tenant_a, org.sales_w, "贸易周氏公司", contact={"name": "周联系人", "mobile": "13800000002"})
    sun = client_for(tenant_a, org.sales1)
    page = sun.get("/search/suggest/", {"q": "贸易"}).content.decode()
    assert titles(page) == ["贸易孙氏公司"]
    assert "周联系人" not in sun.get("/search/", {"q": "13800000002"}).content.decode()
    # The maintainer sees no business data at all.
    assert titles(client_for(tenant_a, org.maintainer).get("/search/suggest/", {"q": "贸易"}).content.decode()) == []


def test_search_never_reaches_another_company(client_for, tenant_a, tenant_b, boss_a):
    add(tenant_a, boss_a, "甲公司独有客户", contact={"name": "甲联系人", "mobile": "13700000009"})
    with in_tenant(tenant_b):
        from saas_core.accounts.models import User

        boss_b = User.objects.get(username=tenant_b.boss_username)
    client = client_for(tenant_b, boss_b)
    for query in ("甲公司独有客户", "jgsdykh", "13700000009", "甲联系人"):
        assert titles(client.get("/search/suggest/", {"q": query}).content.decode()) == [], query
        assert 'data-search-hit' not in client.get("/search/", {"q": query}).content.decode()
    # A session of company A is not a session in company B.
    assert client_for(tenant_b).get("/search/?q=x").status_code == 302


def test_search_needs_a_signed_in_user(client_for, tenant_a):
    assert client_for(tenant_a).get("/search/suggest/?q=x")["Location"].startswith("/accounts/login/")


def test_a_query_that_can_match_nothing_is_an_empty_answer_not_an_error(client_for, tenant_a, boss_a):
    add(tenant_a, boss_a, "北京华兴科技有限公司")
    client = client_for(tenant_a, boss_a)
    for query in ("x", "a", "-", "%"):
        suggest = client.get("/search/suggest/", {"q": query})
        assert suggest.status_code == 200 and titles(suggest.content.decode()) == [], query
        assert client.get("/search/", {"q": query}).status_code == 200, query
        assert client.get("/customers/", {"q": query}).status_code == 200, query  # the list's own search too
