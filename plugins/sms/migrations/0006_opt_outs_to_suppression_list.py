"""Opted-out numbers move to the sending core's suppression list (channel "sms"), which every
sender checks; the reason picked from the SMS pick-list stays as the entry's "reason given"."""

from django.db import migrations


def move_opt_outs(apps, schema_editor):
    OptOut = apps.get_model("sms", "OptOut")
    Suppression = apps.get_model("sending", "Suppression")
    Suppression.objects.bulk_create(
        [Suppression(channel="sms", address=o.number, reason="opt_out", detail_id=o.reason_id, note=o.note,
                     source="sms", created_by_id=o.created_by_id) for o in OptOut.objects.iterator()],
        ignore_conflicts=True, batch_size=1000,
    )


def move_back(apps, schema_editor):
    OptOut = apps.get_model("sms", "OptOut")
    Suppression = apps.get_model("sending", "Suppression")
    OptOut.objects.bulk_create(
        [OptOut(number=s.address, reason_id=s.detail_id, note=s.note, created_by_id=s.created_by_id)
         for s in Suppression.objects.filter(channel="sms").iterator()],
        ignore_conflicts=True, batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('sms', '0005_resend'),
        ('sending', '0001_suppression_callbacks'),
    ]

    operations = [
        migrations.RunPython(move_opt_outs, move_back),
        migrations.DeleteModel(
            name='OptOut',
        ),
    ]
