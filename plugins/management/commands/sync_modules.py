from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from plugins import catalogue
from saas_core.tenancy import iter_tenant_schemas


class Command(BaseCommand):
    help = "Add installed modules to the billing catalogue and their dictionary defaults to every tenant."

    def handle(self, *args, **options):
        created = catalogue.sync_modules()
        self.stdout.write(f"catalogue: {len(created)} module(s) added {created}")
        from django.conf import settings

        for schema in [settings.TEMPLATE_SCHEMA_NAME, *iter_tenant_schemas()]:
            with schema_context(schema):
                catalogue.seed_dictionaries()
