"""Bulk creation (imports): the same validation, search keys and phone index as create_customer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from saas_core.customers import bulk, services
from saas_core.customers.models import Contact, Customer, PhoneNumber
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    ({"name": "甲公司", "heat": 9}, None),
    ({"name": "乙公司", "email": "nope"}, {"name": "王五", "email": "also@nope", "qq": "1" * 21}),
    ({"name": "丙公司", "kind": "alien", "status": "gone"}, None),
    ({"name": "丁" * 201, "city": "长" * 31}, {"name": ""}),
    ({"name": "戊公司", "remark": "a\x00b", "address": "x\x00y"}, {"name": "赵\x00六", "gender": "x"}),
    ({"name": "", "heat": 0}, {"name": "钱七", "birthday": "1990-02-30"}),
]


@pytest.mark.parametrize(("fields", "contact"), BAD_VALUES)
def test_bulk_rejects_with_the_messages_of_create_customer(tenant_a, boss_a, fields, contact):
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as raised:
            services.create_customer(by=boss_a, contact=contact, confirm_duplicates=True, check_permission=False,
                                     **fields)
        [result] = bulk.create_customers([bulk.NewCustomer(fields, contact)], by=boss_a)
        assert isinstance(result, ValidationError)
        assert result.message_dict == raised.value.message_dict
        assert not Customer.objects.exists()


def test_values_checked_once_per_batch_still_reject_each_row(tenant_a, boss_a):
    """A value's check is remembered within a batch: every row with it gets its error, and 1 is not True."""
    with in_tenant(tenant_a):
        results = bulk.create_customers([
            bulk.NewCustomer({"name": "一公司", "email": "bad"}),
            bulk.NewCustomer({"name": "二公司", "email": "bad"}),
            bulk.NewCustomer({"name": "三公司", "heat": 1}),
            bulk.NewCustomer({"name": "四公司", "heat": True}),
            bulk.NewCustomer({"name": "五公司", "email": "ok@example.com"}),
        ], by=boss_a)
        assert [set(r.message_dict) if isinstance(r, ValidationError) else None for r in results] == [
            {"email"}, {"email"}, None, None, None,
        ]
        assert Customer.objects.get(name="三公司").heat == 1 and Customer.objects.get(name="四公司").heat == 1


def test_bulk_customers_are_those_create_customer_makes(tenant_a, boss_a):
    """Search keys, phone index rows, number, owner, creator, timestamps and the contact: as a form saves them."""
    fields = {"name": "重庆长江实业有限公司", "short_name": "长江实业", "phone": "023-6888 1234", "fax": "+86 23 6888 1235",
              "email": "info@cj.example.com", "city": "重庆", "kind": "enterprise"}
    contact = {"name": "欧阳娜娜", "mobile": "＋86 139-2345-6789", "phone": "023 6888 1236 转 801", "title": "经理",
               "birthday": dt.date(1990, 5, 1)}
    with in_tenant(tenant_a):
        by_form = services.create_customer(by=boss_a, contact=dict(contact), confirm_duplicates=True,
                                           check_permission=False, **fields)
        [by_import] = bulk.create_customers([bulk.NewCustomer(dict(fields), dict(contact))], by=boss_a)
        form, imported = Customer.objects.get(pk=by_form.pk), Customer.objects.get(pk=by_import.pk)
        for name in ("search_tokens", "search_initials", "search_spelled", "owner_id", "created_by_id", "kind", "status",
                     "phone", "fax", "email", "city", "short_name"):
            assert getattr(imported, name) == getattr(form, name), name
        assert imported.number == f"KH{imported.created_at:%Y%m}{imported.pk:06d}"
        assert imported.created_at and imported.updated_at and imported.deleted_at is None
        form_contact, imported_contact = Contact.objects.get(customer=form), Contact.objects.get(customer=imported)
        for name in ("search_tokens", "search_initials", "search_spelled", "surname", "surname_initial", "is_primary",
                     "mobile", "phone", "title", "birthday", "created_by_id"):
            assert getattr(imported_contact, name) == getattr(form_contact, name), name

        def phones(customer):
            return sorted(
                (p.digits, p.reversed_digits, p.contact.name if p.contact else None)
                for p in PhoneNumber.objects.filter(customer=customer).select_related("contact")
            )

        assert phones(imported) == phones(form) and len(phones(form)) == 4


def test_copy_writes_text_arrays_that_need_quoting(tenant_a, boss_a):
    from saas_core.imports import dbcopy

    awkward = ['a"b', "c\\d", "x,y", "{z}", "NULL", "", " space "]
    with in_tenant(tenant_a):
        [customer] = bulk.create_customers([bulk.NewCustomer({"name": "引号公司"})], by=boss_a)
        Customer.objects.filter(pk=customer.pk).delete()
        customer.search_tokens = awkward
        dbcopy.insert(Customer, [customer])
        assert Customer.objects.get(pk=customer.pk).search_tokens == awkward
