"""What Citus schema-based sharding needs of the product (README "Scale-out with Citus"), checked
in the catalogue of real company schemas, since Citus itself cannot be installed here: each
company schema must be movable to a node of its own."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection


def _rows(query: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


@pytest.mark.django_db
def test_company_schemas_reference_no_other_company_and_only_public_tables(tenant_a, tenant_b):
    companies = [tenant_a.schema, tenant_b.schema, settings.TEMPLATE_SCHEMA_NAME]
    foreign_keys = _rows(
        """SELECT src.nspname, con.conname, dst.nspname, dst_t.relname
           FROM pg_constraint con
           JOIN pg_class src_t ON src_t.oid = con.conrelid JOIN pg_namespace src ON src.oid = src_t.relnamespace
           JOIN pg_class dst_t ON dst_t.oid = con.confrelid JOIN pg_namespace dst ON dst.oid = dst_t.relnamespace
           WHERE con.contype = 'f' AND src.nspname = ANY(%s)""",
        [companies],
    )
    assert len(foreign_keys) > 20, "a company schema has foreign keys of its own"
    crossing = [fk for fk in foreign_keys if fk[2] != fk[0] and fk[2] != "public"]
    assert not crossing, f"foreign keys into another company's schema: {crossing}"
    # Keys into public are allowed only towards tables a Citus cluster can replicate to every
    # node (reference tables): shared tables of the product, not another schema's.
    into_public = {fk[3] for fk in foreign_keys if fk[2] == "public"}
    shared_tables = {r[0] for r in _rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", [])}
    assert into_public <= shared_tables


@pytest.mark.django_db
def test_company_tables_use_no_sequence_or_function_of_another_schema(tenant_a, tenant_b):
    for schema in (tenant_a.schema, tenant_b.schema):
        defaults = _rows(
            """SELECT c.relname, pg_get_expr(d.adbin, d.adrelid)
               FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%%'""",
            [schema],
        )
        others = [(table, expr) for table, expr in defaults
                  if "." in expr.split("'")[1] and not expr.split("'")[1].startswith((f"{schema}.", f'"{schema}".'))]
        assert not others, f"{schema} draws ids from another schema's sequence: {others}"
        triggers = _rows(
            """SELECT t.tgname, pn.nspname FROM pg_trigger t
               JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
               WHERE n.nspname = %s AND NOT t.tgisinternal""",
            [schema],
        )
        assert triggers, "the history triggers are there"
        assert {ns for _name, ns in triggers} <= {schema, "public"}, triggers
