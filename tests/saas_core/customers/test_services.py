"""Creating customers: duplicate warnings (撞单), quick create with a contact, numbers, phones."""

import pytest
from django.core.exceptions import ValidationError

from saas_core.customers import services
from saas_core.customers.models import Contact, Customer, PhoneNumber
from saas_core.customers.phones import normalise_phone
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw, digits", [
    ("+86 138-1234 5678", "13812345678"), ("１３８１２３４５６７８", "13812345678"), ("008613812345678", "13812345678"),
    ("(0755) 8888 1234", "075588881234"), ("+86 10 6234 5678", "01062345678"), ("021 5888 6666 转 8001", "02158886666"), ("", ""),
])
def test_phone_normalisation(raw, digits):
    assert normalise_phone(raw) == digits


def test_quick_create_with_first_contact(tenant_a, boss_a):
    with in_tenant(tenant_a):
        customer = services.create_customer(
            by=boss_a, name="杭州云帆网络科技有限公司", phone="0571-8888 1234",
            contact={"name": "欧阳娜娜", "title": "采购经理", "mobile": "+86 139 0571 0000"},
        )
        contact = customer.contacts.get()
        assert contact.is_primary and contact.surname == "欧阳" and contact.surname_initial == "O"
        assert customer.number.startswith("KH") and customer.owner == boss_a
        assert sorted(PhoneNumber.objects.filter(customer=customer).values_list("digits", flat=True)) == [
            "057188881234", "13905710000",
        ]
        assert customer.phone == "0571-8888 1234"  # shown as entered


def test_same_name_or_phone_warns_naming_the_owner(tenant_a, boss_a, make_user):
    owner = make_user(tenant_a, username="zhang", name="张伟", role="sales")
    with in_tenant(tenant_a):
        services.create_customer(by=owner, name="北京华兴科技有限公司", phone="010-62345678", check_permission=False)
        with pytest.raises(services.DuplicateCustomer) as exc:
            services.create_customer(by=boss_a, name="北京华兴科技有限公司")
        assert "张伟" in exc.value.messages[0] and "same name" in exc.value.messages[0]
        with pytest.raises(services.DuplicateCustomer, match="same phone number"):
            services.create_customer(by=boss_a, name="华兴科技北京分公司", contact={"name": "李", "phone": "+86 10 6234 5678"})
        assert Customer.objects.filter(name__contains="华兴").count() == 1  # nothing half-written
        services.create_customer(by=boss_a, name="北京华兴科技有限公司", confirm_duplicates=True)
        assert Customer.objects.filter(name="北京华兴科技有限公司").count() == 2


def test_invalid_input_names_the_fields_and_writes_nothing(tenant_a, boss_a):
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as exc:
            services.create_customer(by=boss_a, name="", email="nope", heat=9, contact={"name": "", "email": "x"})
        errors = exc.value.message_dict
        assert {"name", "email", "heat", "contact_name", "contact_email"} <= set(errors)
        assert not Contact.objects.exists() and not Customer.objects.exists()


def test_numbers_are_unique_among_live_customers(tenant_a, boss_a):
    from saas_core.records import bin as recycle_bin

    with in_tenant(tenant_a):
        first = services.create_customer(by=boss_a, name="甲", number="A-001")
        with pytest.raises(ValidationError, match="already in use"):
            services.create_customer(by=boss_a, name="乙", number="A-001")
        recycle_bin.trash(first, by=boss_a)
        services.create_customer(by=boss_a, name="乙", number="A-001")  # free while the first is in the bin


def test_sales_without_create_right_is_refused(tenant_a, make_user):
    from django.core.exceptions import PermissionDenied

    maintainer = make_user(tenant_a, role="system_maintainer")
    with in_tenant(tenant_a), pytest.raises(PermissionDenied):
        services.create_customer(by=maintainer, name="甲")


def test_customer_history_leaves_out_the_search_keys(tenant_a, boss_a):
    from saas_core.records.history import history_of

    with in_tenant(tenant_a):
        customer = services.create_customer(by=boss_a, name="甲乙丙")
        services.update_customer(customer, by=boss_a, name="丙丁", status="intention")
        changes = {c.field: (c.old, c.new) for c in history_of(customer)[0].changes}
    assert changes == {"name": ("甲乙丙", "丙丁"), "status": ("Prospect", "Intention")}


def test_transfer_moves_customers_and_their_contacts_follow(tenant_a, boss_a, make_user):
    from saas_core.org import services as org_services
    from saas_core.org.scope import visible

    leaving = make_user(tenant_a, username="leaving", role="sales")
    heir = make_user(tenant_a, username="heir", role="sales")
    with in_tenant(tenant_a):
        customer = services.create_customer(by=leaving, name="甲公司", contact={"name": "王五"}, check_permission=False)
        preview = {line.key: line.count for line in org_services.transfer_preview(leaving)}
        assert preview == {"customers.customer": 1}  # listed before confirming; contacts follow
        org_services.transfer_records(leaving, heir, by=boss_a)
        customer.refresh_from_db()
        assert customer.owner == heir
        assert list(visible(Contact.objects.all(), heir).values_list("name", flat=True)) == ["王五"]
        assert not visible(Contact.objects.all(), leaving).exists()


def test_a_dictionary_value_used_by_a_customer_cannot_be_deleted(tenant_a, boss_a):
    from saas_core.dictionaries import services as dictionaries

    with in_tenant(tenant_a):
        industry = dictionaries.items_for("industry")[0]
        services.create_customer(by=boss_a, name="甲公司", industry=industry)
        with pytest.raises(dictionaries.ItemInUse) as exc:
            dictionaries.delete_item(industry)
        assert "1 customer" in str(exc.value)


def test_a_restored_customer_is_found_by_phone_again(tenant_a, boss_a):
    from saas_core.customers.search import search_customers
    from saas_core.records import bin as recycle_bin

    with in_tenant(tenant_a):
        customer = services.create_customer(by=boss_a, name="甲公司", contact={"name": "王五", "mobile": "13900001111"})
        entry = recycle_bin.trash(customer, by=boss_a)
        PhoneNumber.objects.filter(customer=customer).delete()  # as an edit during its time in the bin would
        recycle_bin.restore(entry, by=boss_a)
        assert list(search_customers(Customer.objects.all(), "1111").values_list("name", flat=True)) == ["甲公司"]


def test_a_new_customer_has_one_creation_event_with_its_number(tenant_a, boss_a, client_for):
    """The number is written by the INSERT itself: the data log shows one "created" entry that
    already carries it, not a creation followed by a change of the number."""
    from saas_core.records.history import history_of

    client = client_for(tenant_a, boss_a)
    created = client.post("/customers/new/", {"kind": "enterprise", "status": "prospect", "name": "杭州云帆"})
    assert created.status_code == 302
    with in_tenant(tenant_a):
        customer = Customer.objects.get(name="杭州云帆")
        given = services.create_customer(by=boss_a, name="宁波海港", number="NB-001")
        log, given_log = history_of(customer), history_of(given)
    assert customer.number == f"KH{customer.created_at:%Y%m}{customer.pk:06d}"
    assert [entry.action for entry in log] == ["created"]
    assert ("customer number", "", customer.number) in {(c.field, c.old, c.new) for c in log[0].changes}
    assert [entry.action for entry in given_log] == ["created"] and given.number == "NB-001"
    page = client.get(f"/records/customers.customer/{customer.pk}/history/").content.decode()
    assert page.count(">created<") == 1 and customer.number in page
