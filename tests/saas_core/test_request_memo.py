"""A request reads the dictionaries' version stamp once; the next request sees a change made
by another process (saas_core.request_memo)."""

import pytest

from saas_core.dictionaries import services
from saas_core.dictionaries.models import DictionaryItem
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def test_one_version_read_per_request_and_the_next_request_sees_another_process(
    client_for, tenant_a, boss_a, monkeypatch,
):
    monkeypatch.setattr(services, "_cache_allowed", lambda: True)  # tests run inside a transaction
    reads: list[str] = []
    real_get = services.cache.get
    monkeypatch.setattr(services.cache, "get", lambda key, *a, **kw: reads.append(key) or real_get(key, *a, **kw))
    with in_tenant(tenant_a):
        services.invalidate_now()
        category = services.items_for("customer_category")[0]
    client = client_for(tenant_a, boss_a)
    reads.clear()
    page = client.get("/customers/").content.decode()
    assert category.label_en in page  # the category tabs, the batch form's choices: three reads of the list
    assert sum(key.endswith(":version") for key in reads) == 1

    # Another process renames the value: its row changes and the shared version moves on.
    with in_tenant(tenant_a):
        DictionaryItem.objects.filter(pk=category.pk).update(label_en="Renamed elsewhere")
        services.invalidate_now()  # outside a request: only the shared stamp, as in that process
    assert "Renamed elsewhere" in client.get("/customers/").content.decode()
    with in_tenant(tenant_a):
        services.invalidate_now()  # leave no cache entry that a rolled-back state contradicts
