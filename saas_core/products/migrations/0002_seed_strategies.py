from django.db import migrations

BUILTIN = ("quote", "deal", "vip", "wholesale")


def seed(apps, schema_editor):
    PriceStrategy = apps.get_model("products", "PriceStrategy")
    for position, key in enumerate(BUILTIN):
        # Names stay blank: the label is translated into the reader's language until the Boss renames it.
        PriceStrategy.objects.get_or_create(key=key, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
