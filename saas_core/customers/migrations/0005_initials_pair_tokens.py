"""Search keys again for every customer and contact: they gain the initials pair tokens (bj~kj)."""

from django.db import migrations

BATCH = 2000


def recompute(apps, schema_editor):
    from saas_core.customers.search_keys import keys_for

    for model_name, texts in (("Customer", ("name", "short_name")), ("Contact", ("name",))):
        model = apps.get_model("customers", model_name)
        last = 0
        while True:
            rows = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", *texts)[:BATCH])
            if not rows:
                break
            changed = []
            for pk, *values in rows:
                keys = keys_for(*values)
                changed.append(model(pk=pk, search_tokens=keys.tokens, search_initials=keys.initials,
                                     search_spelled=keys.spelled))
            model.objects.bulk_update(changed, ["search_tokens", "search_initials", "search_spelled"])
            last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_contact_list_indexes")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
