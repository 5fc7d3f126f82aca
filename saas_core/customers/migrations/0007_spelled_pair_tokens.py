"""Search keys again for every customer and contact: they gain the reading pairs (fu'an)."""

from django.db import migrations


def recompute(apps, schema_editor):
    import importlib  # a module whose name starts with a digit

    importlib.import_module("saas_core.customers.migrations.0005_initials_pair_tokens").recompute(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_initials_triples")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
