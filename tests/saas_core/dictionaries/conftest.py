"""A business model that refers to dictionary values, for the tests only.

No product model refers to ``DictionaryItem`` yet (customers, opportunities, ... come in later
issues), so the "value in use" path is exercised with a real model declared the way those will
declare theirs (``DictionaryForeignKey``). It is registered for one test at a time and its table
is created inside the test's transaction, so it is rolled back with it; afterwards the model is
removed from the app registry again, so no other test ever sees the relation.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from saas_core.dictionaries.fields import DictionaryForeignKey
from saas_core.records.models import BusinessRecord
from tests.conftest import in_tenant


def _declare_probe_customer():
    class Meta(BusinessRecord.Meta):
        app_label = "dictionaries"
        verbose_name = "probe customer"
        verbose_name_plural = "probe customers"

    return type("ProbeCustomer", (BusinessRecord,), {
        "__module__": __name__,
        "Meta": Meta,
        "name": models.CharField("name", max_length=50),
        "industry": DictionaryForeignKey("industry", "industry"),
        "source": DictionaryForeignKey("customer_source", "source"),
    })


@pytest.fixture
def probe_model(db, tenant_a):
    """``ProbeCustomer`` (industry, source) with a table in tenant A, for this test only."""
    model = _declare_probe_customer()
    try:
        with in_tenant(tenant_a), connection.schema_editor() as editor:
            editor.create_model(model)
        yield model
    finally:
        apps.all_models["dictionaries"].pop("probecustomer", None)
        apps.clear_cache()
