"""The contact list's surname-initial, surname and "birthdays this month" filters are answered
from their indexes (CON-01): the filters use exactly the indexed expressions."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from saas_core.customers import queries, services
from saas_core.customers.models import Contact
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Too few rows for the planner to prefer an index by itself: rule the table scan out, so
        # the plan shows whether an index can answer the condition at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
        cursor.execute("SET LOCAL enable_seqscan = on")
    return "\n".join(lines)


@pytest.mark.parametrize("filters, index, condition", [
    ({"initial": "W"}, "contact_surname_initial", "surname_initial)::text = 'W'"),
    ({"surname": "王"}, "contact_surname", "surname)::text = '王'"),
    ({"birthday_month": True}, "contact_birthday_month", "EXTRACT(month FROM birthday) = '5'"),
])
def test_contact_filters_use_their_indexes(tenant_a, boss_a, filters, index, condition):
    with in_tenant(tenant_a):
        customer = services.create_customer(by=boss_a, name="Index Ltd")
        for name, birthday in (("王伟", date(1980, 5, 1)), ("李娜", date(1990, 6, 2)), ("吴磊", None)):
            services.save_contact(None, customer=customer, by=boss_a, name=name, birthday=birthday)
        queryset = queries.filter_contacts(Contact.objects.all(), filters, today=date(2026, 5, 20))
        assert list(queryset.values_list("name", flat=True)) == {"initial": ["王伟", "吴磊"], "surname": ["王伟"],
                                                                 "birthday_month": ["王伟"]}[next(iter(filters))]
        # With three rows every index costs the same and the planner may take any of them;
        # other contacts (none matching) and fresh statistics make the choice a real one.
        others = [Contact(customer=customer, name=f"{surname}{i}", surname=surname, surname_initial=initial,
                          birthday=date(1985, month, 3), created_by=boss_a)
                  for i, (surname, initial, month) in enumerate(
                      [(s, n, m) for s, n in (("张", "Z"), ("刘", "L"), ("陈", "C"), ("赵", "Z"), ("孙", "S"))
                       for m in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)] * 4)]
        Contact.objects.bulk_create(others)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_contact")
        explained = plan(queryset.order_by())
    assert f"Index Scan using {index}" in explained or f"Bitmap Index Scan on {index}" in explained, explained
    assert condition in explained, explained
