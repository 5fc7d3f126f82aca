"""Two people act on the same recycle-bin entry at once (BIN-01): the first one's restore or purge
happens, the second gets a clear 409 over the API (it was a 500), and nothing is half-done.

Real concurrent transactions on committed data in a workspace of its own (``live_db`` drops it):
the first runs in a thread that takes the entry's lock and keeps its transaction open until the
second request is seen *waiting on that lock* in ``pg_locks``, so the overlap is forced, not
left to luck on a busy machine.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid

import pytest
from django.db import connection, connections, transaction
from django.utils import translation
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD, TenantInfo, api

LOCK_WAIT_TIMEOUT = 60  # a loaded CI machine is slow to start the second request


def _wait_until_blocked(pid: int) -> None:
    """Return once backend ``pid`` waits for a lock that is not granted (ours)."""
    deadline = time.monotonic() + LOCK_WAIT_TIMEOUT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
            if cursor.fetchone():
                return
            time.sleep(0.05)
    raise AssertionError("the second request never waited for the first one's lock")


def _first(schema: str, action: str, entry_pk: int, boss_pk: int, pids: queue.Queue, results: list) -> None:
    """Restore or purge the entry in a transaction held open until the second request waits on it."""
    from saas_core.accounts.models import User
    from saas_core.records import bin as recycle_bin
    from saas_core.records.models import BinEntry

    try:
        with schema_context(schema), translation.override("en"), transaction.atomic():
            boss = User.objects.get(pk=boss_pk)
            getattr(recycle_bin, action)(BinEntry.objects.get(pk=entry_pk), by=boss)
            _wait_until_blocked(pids.get(timeout=LOCK_WAIT_TIMEOUT))
        results.append(("done", action))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.append(("crash", repr(exc)))
    finally:
        connections.close_all()


def _second(info: TenantInfo, client, method: str, path: str, pids: queue.Queue, answers: list) -> None:
    """The other person's API call, on this thread's own database connection."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.put(cursor.fetchone()[0])
        answers.append(getattr(client, method)(path))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        answers.append(exc)
    finally:
        connections.close_all()


@pytest.fixture
def workspace(live_db, settings):
    from saas_core.accounts.models import User
    from tenants import provisioning

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sub = f"bin-race-{uuid.uuid4().hex[:6]}"
    email = f"boss@{sub}.example.com"
    ws = provisioning.create_workspace(company_name="Bin Race Ltd", subdomain=sub, admin_name="Boss", email=email,
                                       password=PASSWORD, language="en")
    info = TenantInfo(ws.tenant.schema_name, ws.host, "Bin Race Ltd", email)
    with schema_context(info.schema):
        info.boss = User.objects.get(email=email)
    return info


def _trashed_customer(info: TenantInfo):
    from saas_core.customers.models import Customer
    from saas_core.customers.services import create_customer
    from saas_core.records import bin as recycle_bin

    with schema_context(info.schema):
        customer = create_customer(by=info.boss, name="争议客户", confirm_duplicates=True,
                                   contact={"name": "王五", "mobile": "13811112222"})
        entry = recycle_bin.trash(Customer.objects.get(pk=customer.pk), by=info.boss)
    return customer, entry


@pytest.mark.live
@pytest.mark.parametrize(("first", "second"), [
    ("purge", ("delete", "")),
    ("purge", ("post", "restore/")),
    ("restore", ("delete", "")),
    ("restore", ("post", "restore/")),
])
def test_the_second_of_two_simultaneous_bin_actions_is_a_clear_409(workspace, first, second):
    from saas_core.customers.models import Contact, Customer
    from saas_core.records.models import BinEntry

    customer, entry = _trashed_customer(workspace)
    client = api(workspace, workspace.boss)
    pids: queue.Queue = queue.Queue()
    results: list = []
    answers: list = []
    method, tail = second
    threads = [
        threading.Thread(target=_first, args=(workspace.schema, first, entry.pk, workspace.boss.pk, pids, results)),
        threading.Thread(target=_second,
                         args=(workspace, client, method, f"/api/v1/recycle-bin/{entry.pk}/{tail}", pids, answers)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=LOCK_WAIT_TIMEOUT * 2)
    assert results == [("done", first)], results
    [answer] = answers
    assert not isinstance(answer, Exception), answer
    assert answer.status_code == 409, answer.content
    assert answer.json()["detail"] == (
        "“争议客户” is no longer in the recycle bin: it has just been restored or deleted for good.")
    with schema_context(workspace.schema):
        assert not BinEntry.objects.filter(pk=entry.pk).exists()
        if first == "purge":  # gone for good, contact and all
            assert not Customer.all_objects.filter(pk=customer.pk).exists()
            assert not Contact.all_objects.filter(customer_id=customer.pk).exists()
        else:  # back in the lists, contact and all, and not deleted by the loser
            assert Customer.objects.filter(pk=customer.pk).exists()
            assert Contact.objects.filter(customer_id=customer.pk).count() == 1
