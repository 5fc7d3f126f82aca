"""Indexes of the contact list's filters (CON-01): the 百家姓 index (surname initial, surname) and
"birthdays this month" (an expression index on EXTRACT(month FROM birthday)), each followed by
the list's default order (customer, primary first, id) and without the contacts in the bin.

Built CONCURRENTLY (so the migration is not atomic): a company with millions of contacts keeps
writing to them while its schema is upgraded. The single-column surname_initial index is
dropped: contact_surname_initial starts with the same column.
"""

import django.db.models.functions.datetime
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("customers", "0003_customer_customer_hot_until"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="contact",
            index=models.Index(condition=models.Q(("deleted_at__isnull", True)),
                               fields=["surname_initial", "customer", "-is_primary", "id"],
                               name="contact_surname_initial"),
        ),
        AddIndexConcurrently(
            model_name="contact",
            index=models.Index(condition=models.Q(("deleted_at__isnull", True)),
                               fields=["surname", "customer", "-is_primary", "id"], name="contact_surname"),
        ),
        AddIndexConcurrently(
            model_name="contact",
            index=models.Index(django.db.models.functions.datetime.ExtractMonth("birthday"), models.F("customer"),
                               models.OrderBy(models.F("is_primary"), descending=True), models.F("id"),
                               condition=models.Q(("deleted_at__isnull", True)), name="contact_birthday_month"),
        ),
        migrations.AlterField(
            model_name="contact",
            name="surname_initial",
            field=models.CharField(blank=True, editable=False, max_length=1),
        ),
    ]
