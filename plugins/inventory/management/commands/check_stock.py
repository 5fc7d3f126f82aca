"""``crm manage check_stock``: balance = Σ moves per (product, warehouse) in every company (or one)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from saas_core.tenancy import iter_tenant_schemas


class Command(BaseCommand):
    help = "Check the stock ledger's invariants (balance = sum of moves, no value at zero, no negative stock)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--company", action="append", metavar="SCHEMA", help="only this schema (repeatable)")

    def handle(self, *args, **options) -> None:
        from plugins.inventory.checks import violations

        schemas = options["company"] or list(iter_tenant_schemas())
        total = 0
        for schema in schemas:
            with schema_context(schema):
                found = violations()
            for v in found:
                self.stdout.write(f"{schema}: {v}")
            total += len(found)
        self.stdout.write(f"checked {len(schemas)} companies: {total} violations")
        if total:
            raise CommandError(f"{total} stock invariant violations")
