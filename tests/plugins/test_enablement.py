"""A module switched on for one tenant: its pages, menu, hooks, permissions and dictionaries
appear there and nowhere else; switched off, they disappear again without a restart."""

from __future__ import annotations

import re

import pytest

from plugins import enablement
from plugins.enablement import flatten, hooks_for
from saas_core.accounts.models import Role
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def menu_keys(html: str) -> set[str]:
    return set(re.findall(r'data-menu="([^"]+)"', html))


def test_the_built_in_sms_module_is_installed_through_its_entry_point():
    from importlib.metadata import entry_points

    from plugins import manager

    assert "sms" in {ep.name for ep in entry_points(group="crm.modules")}
    assert "sms" in manager.modules()
    assert "plugins.sms" in manager.django_apps()


def test_a_module_is_off_until_the_subscription_or_the_vendor_switches_it_on(tenant_a, switch_module):
    assert enablement.enabled_modules(tenant_a_tenant(tenant_a)) == frozenset()
    switch_module(tenant_a, "sms", True)
    assert enablement.enabled_modules(tenant_a_tenant(tenant_a)) == {"sms"}
    switch_module(tenant_a, "sms", False)
    assert enablement.enabled_modules(tenant_a_tenant(tenant_a)) == frozenset()


def tenant_a_tenant(info):
    from tenants.models import Tenant

    return Tenant.objects.get(schema_name=info.schema)


def test_module_pages_menu_and_api_exist_only_where_the_module_is_on(
    tenant_a, tenant_b, client_for, make_user, switch_module,
):
    boss_a = make_user(tenant_a, role=Role.BOSS)
    boss_b = make_user(tenant_b, role=Role.BOSS)
    a, b = client_for(tenant_a, boss_a), client_for(tenant_b, boss_b)
    assert a.get("/sms/").status_code == 404
    assert "sms_send" not in menu_keys(a.get("/workbench/").content.decode())

    switch_module(tenant_a, "sms", True)

    assert a.get("/sms/").status_code == 200
    assert {"sms_send", "sms_log"} <= menu_keys(a.get("/workbench/").content.decode())
    assert b.get("/sms/").status_code == 404
    assert "sms_send" not in menu_keys(b.get("/workbench/").content.decode())
    api_b = b.get("/api/v1/sms/templates/")
    assert api_b.status_code == 404 and api_b.json() == {"detail": "Not found."}
    assert a.get("/api/v1/sms/templates/").status_code == 200

    switch_module(tenant_a, "sms", False)
    assert a.get("/sms/").status_code == 404
    assert a.get("/api/v1/sms/templates/").status_code == 404
    assert "sms_send" not in menu_keys(a.get("/workbench/").content.decode())


def test_a_hook_called_for_a_tenant_reaches_only_its_enabled_modules(tenant_a, tenant_b, switch_module):
    switch_module(tenant_a, "sms", True)
    with in_tenant(tenant_a):
        keys_a = {e["key"] for e in flatten(hooks_for().crm_menu_entries())}
    with in_tenant(tenant_b):
        keys_b = {e["key"] for e in flatten(hooks_for().crm_menu_entries())}
    assert "sms_send" in keys_a
    assert "sms_send" not in keys_b
    # one relay per enabled set, reused
    with in_tenant(tenant_a):
        assert hooks_for() is hooks_for()


def test_permissions_and_dictionary_of_a_module_show_only_where_it_is_on(
    tenant_a, tenant_b, client_for, make_user, switch_module,
):
    switch_module(tenant_a, "sms", True)
    a = client_for(tenant_a, make_user(tenant_a, role=Role.BOSS))
    b = client_for(tenant_b, make_user(tenant_b, role=Role.BOSS))
    assert "sms" in {m["key"] for m in a.get("/api/v1/roles/catalogue/").json()["modules"]}
    assert "sms" not in {m["key"] for m in b.get("/api/v1/roles/catalogue/").json()["modules"]}

    assert "sms_opt_out_reason" in {t["key"] for t in a.get("/api/v1/dictionaries/?page_size=200").json()["results"]}
    assert "sms_opt_out_reason" not in {t["key"] for t in b.get("/api/v1/dictionaries/?page_size=200").json()["results"]}
    assert b.get("/api/v1/dictionaries/sms_opt_out_reason/").status_code == 404
    assert b.get("/dictionaries/sms_opt_out_reason/").status_code == 404
    assert a.get("/dictionaries/sms_opt_out_reason/").status_code == 200
    # The values exist in B's schema all along (enabling is data, not schema).
    from saas_core.dictionaries.models import DictionaryItem

    with in_tenant(tenant_b):
        assert DictionaryItem.objects.filter(type__key="sms_opt_out_reason").count() == 3


def test_a_module_task_refuses_to_run_where_the_module_is_off(tenant_a, tenant_b, switch_module):
    from plugins.sms.tasks import dispatch_due

    switch_module(tenant_a, "sms", True)
    with in_tenant(tenant_b):
        assert dispatch_due.apply().get() == {"refused": "module_off", "module": "sms"}
    with in_tenant(tenant_a):
        assert dispatch_due.apply().get() == 0


def test_events_reach_only_enabled_modules(tenant_a, tenant_b, switch_module, django_capture_on_commit_callbacks):
    """A module listening to ``crm_customer_created`` hears customers of tenants where it is on."""
    from billing.models import Module
    from plugins import events, manager
    from plugins.hookspecs import hookimpl

    heard = []

    class Listener:
        @hookimpl
        def crm_module_info(self):
            return {"key": "listener", "name": "Listener"}

        @hookimpl
        def crm_customer_created(self, customer, user):
            heard.append(customer)

    Module.objects.create(key="listener", name="Listener")
    pm = manager.get_plugin_manager()
    pm.register(Listener(), name="listener")
    enablement._relays.clear()
    try:
        switch_module(tenant_a, "listener", True)
        for info, name in ((tenant_a, "in A"), (tenant_b, "in B")):
            with in_tenant(info), django_capture_on_commit_callbacks(execute=True):
                events.emit("crm_customer_created", customer=name, user=None)
        assert heard == ["in A"]
    finally:
        pm.unregister(name="listener")
        enablement._relays.clear()


def test_a_modules_periodic_task_is_queued_only_for_companies_that_have_it_on(tenant_a, tenant_b, switch_module):
    """The beat's fan-out skips the companies without the module (their copies would only refuse
    and log a warning every minute)."""
    from celery.signals import before_task_publish

    from plugins.sms.tasks import dispatch_due_all_tenants

    queued: list[tuple[str, str]] = []

    def note(sender=None, headers=None, **_kwargs):
        queued.append((sender, (headers or {}).get("_schema_name")))

    switch_module(tenant_a, "sms", True)
    switch_module(tenant_b, "sms", False)
    before_task_publish.connect(note, weak=False)
    try:
        dispatch_due_all_tenants()
    finally:
        before_task_publish.disconnect(note)
    assert ("plugins.sms.tasks.dispatch_due", tenant_a.schema) in queued
    assert not [schema for _task, schema in queued if schema == tenant_b.schema]
