"""Customers' provinces and cities as the region picker stores them (issue 14): 江苏 → 江苏省,
南京 → 南京市, in every company's schema (django-tenants runs this once per schema).

Only places that can be matched change; text that names no place of China (a foreign address,
a typo) stays exactly as it was, and a province that matches keeps an unmatched city as typed.
Reversing it changes nothing back: the standard names are valid before this migration too.
"""

from django.db import migrations


def normalise(apps, schema_editor):
    from saas_core.regions import RegionError, resolve

    Customer = apps.get_model("customers", "Customer")
    rows = Customer._base_manager.order_by().values_list("province", "city", "district").distinct()
    for province, city, district in list(rows):
        try:
            new = resolve(province, city, district)
        except RegionError:
            try:
                new = (resolve(province)[0], city, district)
            except RegionError:
                continue
        if new != (province, city, district):
            # One UPDATE per distinct place, in the recycle bin too (a restored customer is normalised).
            Customer._base_manager.filter(province=province, city=city, district=district).update(
                province=new[0], city=new[1], district=new[2],
            )


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0008_customer_district"),
    ]

    operations = [
        migrations.RunPython(normalise, migrations.RunPython.noop),
    ]
