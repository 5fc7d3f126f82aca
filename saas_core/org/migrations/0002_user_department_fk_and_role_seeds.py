"""Tenant schemas only: the users' department foreign key, and one RoleSetting per role."""

from django.db import migrations

FK_NAME = "accounts_user_department_id_fk_org_department"


def seed_roles(apps, schema_editor):
    from saas_core.accounts.models import Role
    from saas_core.org.permissions import role_defaults

    RoleSetting = apps.get_model("org", "RoleSetting")
    for role in Role.values:
        values = role_defaults(role)
        RoleSetting.objects.get_or_create(role=role, defaults={
            "data_scope": values["data_scope"], "permissions": values["permissions"], "rights": values["rights"],
            "customer_sections": values["customer_sections"],
        })


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0001_initial"),
        ("accounts", "0002_user_department_user_superior"),
    ]

    operations = [
        # accounts_user also lives in the public schema (vendor staff), where org_department does not
        # exist; the org app migrates in tenant schemas only, so the constraint is added here.
        migrations.RunSQL(
            f"ALTER TABLE accounts_user ADD CONSTRAINT {FK_NAME} FOREIGN KEY (department_id) "
            "REFERENCES org_department (id) DEFERRABLE INITIALLY DEFERRED",
            f"ALTER TABLE accounts_user DROP CONSTRAINT IF EXISTS {FK_NAME}",
        ),
        migrations.RunPython(seed_roles, migrations.RunPython.noop),
    ]
