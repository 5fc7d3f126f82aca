# Batches keep their lines as zlib-compressed marshal data instead of JSON (imports.models.ImportBatch).

import marshal
import zlib

from django.db import migrations, models


def lines_to_payload(apps, schema_editor):
    ImportBatch = apps.get_model("imports", "ImportBatch")
    for batch in ImportBatch.objects.filter(done=False).iterator(chunk_size=10):
        if batch.lines:  # a job running while the code is upgraded continues where it was
            batch.payload = zlib.compress(marshal.dumps(batch.lines), 1)
            batch.save(update_fields=["payload"])


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='payload',
            field=models.BinaryField(default=bytes),
        ),
        migrations.RunPython(lines_to_payload, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name='importbatch',
            name='lines',
        ),
    ]
