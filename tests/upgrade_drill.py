"""An upgrade drill: a deploy that brings migrations the companies have not seen yet.

``write_drill(root, base_settings)`` writes, under ``root``, a settings module
``crm_drill_settings`` (``base_settings`` plus the tenant app ``crm_drill``) and that app with two
migrations: 0001 creates a table, 0002 adds a nullable column to every company's customer table.
0002 fails in the schemas named in ``CRM_DRILL_FAIL`` (comma-separated) and sleeps
``CRM_DRILL_SLEEP`` seconds in every schema (to kill or race a rollout half way).
Run ``crm migrate`` with ``PYTHONPATH=root`` and ``DJANGO_SETTINGS_MODULE=crm_drill_settings``;
``undo_drill`` takes its traces out of every schema again. Used by tests/tenants/test_upgrade.py
and bench/upgrade.
"""

from __future__ import annotations

from pathlib import Path

APP = "crm_drill"
SETTINGS = "crm_drill_settings"
COLUMN = "drill_note"

_SETTINGS = '''from {base} import *  # noqa: F403
from {base} import INSTALLED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "{app}"]
INSTALLED_APPS = [*INSTALLED_APPS, "{app}"]
'''

_MODELS = '''from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=100)
'''

_0001 = '''from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel("Note", [("id", models.BigAutoField(primary_key=True)),
                                        ("text", models.CharField(max_length=100))]),
    ]
'''

_0002 = '''import os
import time

from django.db import connection, migrations


def drill(apps, schema_editor):
    time.sleep(float(os.environ.get("CRM_DRILL_SLEEP") or 0))
    if connection.schema_name in (os.environ.get("CRM_DRILL_FAIL") or "").split(","):
        raise RuntimeError(f"drill failure in {{connection.schema_name}}")


class Migration(migrations.Migration):
    dependencies = [("{app}", "0001_initial"), ("customers", "0001_initial")]
    operations = [
        migrations.RunSQL("ALTER TABLE customers_customer ADD COLUMN {column} text NULL",
                          "ALTER TABLE customers_customer DROP COLUMN {column}"),
        migrations.RunPython(drill, migrations.RunPython.noop),
    ]
'''


def write_drill(root: Path, base_settings: str) -> Path:
    app = root / APP
    (app / "migrations").mkdir(parents=True, exist_ok=True)
    (root / f"{SETTINGS}.py").write_text(_SETTINGS.format(base=base_settings, app=APP))
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(_MODELS)
    (app / "migrations" / "__init__.py").write_text("")
    (app / "migrations" / "0001_initial.py").write_text(_0001)
    (app / "migrations" / "0002_customer_note.py").write_text(_0002.format(app=APP, column=COLUMN))
    return root


def undo_drill(cursor) -> None:
    """Remove the drill's table, column and migration records from every schema that has them."""
    cursor.execute("SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name = 'django_migrations'")
    for (schema,) in cursor.fetchall():
        cursor.execute(f'DROP TABLE IF EXISTS "{schema}"."{APP}_note"')
        cursor.execute(f'ALTER TABLE IF EXISTS "{schema}".customers_customer DROP COLUMN IF EXISTS {COLUMN}')
        cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s', [APP])
