from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "saas_core.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # pgtrigger patches Django's migrate command to know trigger operations; django-tenants'
        # migrate_schemas carries its own autodetector, so give it the patched one too.
        from django.core.management.commands import makemigrations
        from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

        MigrateSchemasCommand.autodetector = makemigrations.Command.autodetector
