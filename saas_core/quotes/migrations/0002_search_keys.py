"""Quotes get pinyin search keys of their subject (the global search and the list's search); the
quotes a company already has get theirs here."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.conf import settings
from django.db import migrations, models


def fill_keys(apps, schema_editor):
    from saas_core.customers.search_keys import keys_for

    Quote = apps.get_model("quotes", "Quote")
    changed = []
    for quote in Quote._base_manager.exclude(subject="").only("pk", "subject").iterator(chunk_size=2000):
        keys = keys_for(quote.subject)
        quote.search_tokens, quote.search_initials, quote.search_spelled = keys.tokens, keys.initials, keys.spelled
        changed.append(quote)
        if len(changed) >= 2000:
            Quote._base_manager.bulk_update(changed, ["search_tokens", "search_initials", "search_spelled"])
            changed = []
    Quote._base_manager.bulk_update(changed, ["search_tokens", "search_initials", "search_spelled"])


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0009_normalise_regions'),
        ('opportunities', '0005_kanban_index_drop_unused'),
        ('products', '0002_seed_strategies'),
        ('quotes', '0001_initial'),
        ('records', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelManagers(
            name='quote',
            managers=[
            ],
        ),
        migrations.AddField(
            model_name='quote',
            name='search_initials',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='quote',
            name='search_spelled',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='quote',
            name='search_tokens',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=40), default=list, editable=False, size=None),
        ),
        migrations.AddIndex(
            model_name='quote',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_tokens'], name='quote_search_gin'),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
