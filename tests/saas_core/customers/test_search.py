"""Quick search (CUS-02): initials, full pinyin, CJK fragments, polyphones, widths, phones, numbers."""

import pytest

from saas_core.customers import services
from saas_core.customers.models import Customer
from saas_core.customers.search import search_customers
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

NAMES = [
    ("北京华兴科技有限公司", "010-6234 5678"),
    ("重庆长安汽车配件有限公司", "+86 138 0023 9911"),
    ("上海恒通国际贸易有限公司", "021 5888 6666 转 8001"),
    ("厦门海联物流有限公司", "１３９０５９２１２３４"),
    ("Pacific Rim Trading Co., Ltd.", "+1 415 555 0100"),
    ("北京银行科技支行", ""),
]


@pytest.fixture
def customers(tenant_a, boss_a):
    with in_tenant(tenant_a):
        return {
            name: services.create_customer(by=boss_a, name=name, phone=phone, confirm_duplicates=True)
            for name, phone in NAMES
        }


def found(tenant, query) -> set[str]:
    with in_tenant(tenant):
        return set(search_customers(Customer.objects.all(), query).values_list("name", flat=True))


@pytest.mark.parametrize("query, expected", [
    ("bjkj", {"北京华兴科技有限公司", "北京银行科技支行"}),  # initials of 北京 … 科技
    ("bjhxkj", {"北京华兴科技有限公司"}),
    ("beijing", {"北京华兴科技有限公司", "北京银行科技支行"}),
    ("北京 科技", {"北京华兴科技有限公司", "北京银行科技支行"}),
    ("北京  华兴", {"北京华兴科技有限公司"}),
    ("ＢＪＫＪ", {"北京华兴科技有限公司", "北京银行科技支行"}),  # full-width input
    ("cq", {"重庆长安汽车配件有限公司"}),  # 重 read chóng
    ("zq", {"重庆长安汽车配件有限公司"}),  # 重 read zhòng
    ("chongqing", {"重庆长安汽车配件有限公司"}),
    ("xmhl", {"厦门海联物流有限公司"}),  # 厦 read xià
    ("pacific", {"Pacific Rim Trading Co., Ltd."}),
    ("rim trad", {"Pacific Rim Trading Co., Ltd."}),
    ("5678", {"北京华兴科技有限公司"}),  # last digits of a phone
    ("9911", {"重庆长安汽车配件有限公司"}),
    ("1234", {"厦门海联物流有限公司"}),  # stored from full-width digits
    ("13800239911", {"重庆长安汽车配件有限公司"}),
    # Issue 14: the product's own display format is one number, not three keywords.
    ("138 0023 9911", {"重庆长安汽车配件有限公司"}),
    ("138-0023-9911", {"重庆长安汽车配件有限公司"}),
    ("+86 138 0023 9911", {"重庆长安汽车配件有限公司"}),
    ("１３９ ０５９２ １２３４", {"厦门海联物流有限公司"}),
    ("010 6234 5678", {"北京华兴科技有限公司"}),
    ("(010) 6234-5678", {"北京华兴科技有限公司"}),
    ("6234 5678", {"北京华兴科技有限公司"}),  # a landline without its area code
    ("北京 5678", {"北京华兴科技有限公司"}),  # a name and a suffix stay two keywords
    ("yxgs", set()),  # the legal form is in every name, so it is not a search key
    ("b", set()),  # one letter is too little to search by
    ("科技 上海", set()),
])
def test_quick_search(tenant_a, customers, query, expected):
    assert found(tenant_a, query) == expected


def test_search_by_customer_number(tenant_a, customers):
    number = customers["厦门海联物流有限公司"].number
    assert found(tenant_a, number) == {"厦门海联物流有限公司"}
    assert found(tenant_a, number.lower()) == {"厦门海联物流有限公司"}


def test_renaming_updates_the_keys_and_deleted_customers_are_not_found(tenant_a, boss_a, customers):
    from saas_core.records import bin as recycle_bin

    with in_tenant(tenant_a):
        services.update_customer(customers["厦门海联物流有限公司"], by=boss_a, name="深圳海联物流有限公司")
        recycle_bin.trash(customers["北京银行科技支行"], by=boss_a)
    assert found(tenant_a, "xmhl") == set()
    assert found(tenant_a, "szhl") == {"深圳海联物流有限公司"}
    assert found(tenant_a, "bjkj") == {"北京华兴科技有限公司"}


def test_search_never_crosses_tenants(tenant_a, tenant_b, customers):
    assert found(tenant_b, "bjkj") == set()
    assert found(tenant_b, "5678") == set()


def test_contacts_and_the_api_find_a_mobile_as_displayed(tenant_a, boss_a, client_for):
    """Issue 14: `139 0571 0000` found nothing in the contact list, the API or the pickers."""
    from saas_core.customers.models import Contact
    from saas_core.customers.search import search_contacts
    from tests.conftest import api

    with in_tenant(tenant_a):
        customer = services.create_customer(by=boss_a, name="杭州西湖茶业有限公司", confirm_duplicates=True,
                                            contact={"name": "欧阳娜娜", "mobile": "13905710000"})
        for query in ("139 0571 0000", "139-0571-0000", "+86 139 0571 0000"):
            assert list(search_contacts(Contact.objects.all(), query).values_list("name", flat=True)) == ["欧阳娜娜"]
    client = api(tenant_a, boss_a)
    for query in ("139 0571 0000", "+86 139 0571 0000"):
        listed = client.get("/api/v1/customers/", {"search": query}).json()
        assert [c["id"] for c in listed["results"]] == [customer.pk], query
    page = client_for(tenant_a, boss_a).get("/customers/", {"q": "139 0571 0000"}).content.decode()
    assert "杭州西湖茶业有限公司" in page
