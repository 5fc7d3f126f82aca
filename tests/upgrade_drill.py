"""An upgrade drill: a deploy that brings migrations the companies have not seen yet.

``write_drill(root, base_settings)`` writes, under ``root``, a settings module
``crm_drill_settings`` (``base_settings`` plus the tenant app ``crm_drill``) and that app with two
migrations: 0001 creates a table, 0002 adds a nullable column to every company's customer table.
0002 fails in the schemas named in ``CRM_DRILL_FAIL`` (comma-separated) and sleeps
``CRM_DRILL_SLEEP`` seconds in every schema (to kill or race a rollout half way); with
``trigger=True`` a third, 0003, adds a pgtrigger trigger (see ``_0003``).
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


# 0003 (``write_drill(..., trigger=True)``): a pgtrigger trigger on the drill's table, as every
# pghistory-tracked model's migration adds. pgtrigger's install SQL re-creates one function in
# public (``_pgtrigger_should_ignore``); workers installing it at the same moment in different
# companies failed with "tuple concurrently updated" until tenants.upgrade left it alone. To meet
# on purpose, every company's 0003 waits for the next whole ``CRM_DRILL_TICK`` seconds of the
# wall clock, installs the trigger, and holds its transaction open ``CRM_DRILL_HOLD`` seconds.
TRIGGER_PGID = "pgtrigger_drill_protect_5a1e7"

_0003 = '''import os
import time

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


def at_the_tick(apps, schema_editor):
    tick = float(os.environ.get("CRM_DRILL_TICK") or 0)
    if tick:
        time.sleep(tick - time.time() % tick)


def hold(apps, schema_editor):
    time.sleep(float(os.environ.get("CRM_DRILL_HOLD") or 0))


class Migration(migrations.Migration):
    dependencies = [("{app}", "0002_customer_note")]
    operations = [
        migrations.RunPython(at_the_tick, migrations.RunPython.noop),
        pgtrigger.migrations.AddTrigger(
            model_name="note",
            trigger=pgtrigger.compiler.Trigger(name="drill_protect", sql=pgtrigger.compiler.UpsertTriggerSql(
                func="RAISE EXCEPTION 'drill notes are kept';", hash="0d5e1c2b7a9f", operation="DELETE",
                pgid="{pgid}", table="{app}_note", when="BEFORE")),
        ),
        migrations.RunPython(hold, migrations.RunPython.noop),
    ]
'''


def write_drill(root: Path, base_settings: str, *, trigger: bool = False) -> Path:
    app = root / APP
    (app / "migrations").mkdir(parents=True, exist_ok=True)
    (root / f"{SETTINGS}.py").write_text(_SETTINGS.format(base=base_settings, app=APP))
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(_MODELS)
    (app / "migrations" / "__init__.py").write_text("")
    (app / "migrations" / "0001_initial.py").write_text(_0001)
    (app / "migrations" / "0002_customer_note.py").write_text(_0002.format(app=APP, column=COLUMN))
    if trigger:
        (app / "migrations" / "0003_note_trigger.py").write_text(_0003.format(app=APP, pgid=TRIGGER_PGID))
    return root


def undo_drill(cursor) -> None:
    """Remove the drill's table, column and migration records from every schema that has them."""
    cursor.execute("SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name = 'django_migrations'")
    for (schema,) in cursor.fetchall():
        cursor.execute(f'DROP TABLE IF EXISTS "{schema}"."{APP}_note"')  # and its trigger
        cursor.execute(f'DROP FUNCTION IF EXISTS "{schema}".{TRIGGER_PGID}()')
        cursor.execute(f'ALTER TABLE IF EXISTS "{schema}".customers_customer DROP COLUMN IF EXISTS {COLUMN}')
        cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s', [APP])
