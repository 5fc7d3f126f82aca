"""Reminders are delivered exactly once through the real path: Celery beat's tick (from public)
fans out to the tenants with work due, real Celery workers run ``deliver_reminders`` on the test
database, e-mail goes over SMTP to a real (aiosmtpd) server on loopback.

Two failure cases the delivery must survive (ACT-02 "must hold"):

* two beats by mistake: two ``celery beat`` processes tick every second, two workers take the
  tasks; every reminder gets one notification and its e-mail arrives once;
* a worker dies mid-run: the SMTP server holds the first message until the worker is killed
  (SIGKILL, so nothing is cleaned up), then refuses it as a dead connection's; a second worker
  takes the leased deliveries again once their lease ends, and each e-mail arrives once;
* a worker outlives its lease: a slow SMTP server, or a text held up in the SMS module, keeps a
  live worker busy past the lease, a second worker takes the rows it has not sent yet, and still
  each e-mail and each text goes out once.

All of them run with busy processes on every core (``busy_cpus``) and with pauses provoked on
purpose between lease and send, longer than the lease (3 s here): a race cannot pass by luck.

Each test works in a workspace of its own (cloned from the template, dropped afterwards), so the
committed rows never meet the other tests' tenants.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from saas_core.activities import services
from saas_core.activities.models import Delivery, Notification, Reminder
from tests.conftest import PASSWORD, database_url_of_test_db, free_port
from tests.workers import busy_cpus, forget_keys, routing, start_celery, stop_process, worker_args, worker_env

pytestmark = pytest.mark.live


class GatedSmtp:
    """aiosmtpd on loopback that records each accepted message; ``hold()`` makes the next DATA
    wait until ``release()``, then refuse it (its client is gone by then); ``delay`` seconds pass
    before each answer (a slow server)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.accepted: list = []
        self.lock = threading.Lock()
        self.delay = 0.0
        self.holding = False
        self.held = threading.Event()
        self.released = threading.Event()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        self.port = self.controller.port

    def hold(self) -> None:
        self.holding, self.held, self.released = True, threading.Event(), threading.Event()

    def release(self) -> None:
        self.holding = False
        self.released.set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes, policy

        if self.holding:
            self.held.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 not accepted"
        await asyncio.sleep(self.delay)
        with self.lock:
            self.accepted.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def texts(self) -> list[str]:
        with self.lock:
            return [m.get_content() for m in self.accepted]

    def stop(self) -> None:
        self.release()
        self.controller.stop()


@dataclass
class Cluster:
    """Celery workers and beats on a private queue and key prefix of the shared Redis."""

    tmp: Path
    smtp_port: int
    queue: str = field(default_factory=lambda: routing("rem")[0])
    procs: list = field(default_factory=list)

    @property
    def keyprefix(self) -> str:
        return self.queue + ":"

    def env(self) -> dict:
        return worker_env(
            self.queue, self.keyprefix, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(self.smtp_port), REMINDER_TICK_SECONDS="1",
            REMINDER_LEASE_SECONDS="3", REMINDER_REDISPATCH_SECONDS="2",
        )

    def _start(self, name: str, args: list[str], ready: str) -> subprocess.Popen:
        log_path = self.tmp / f"{name}.log"
        proc = start_celery(args, log_path, self.env(), ready, name)
        proc.log_path = log_path
        self.procs.append(proc)
        return proc

    def worker(self, name: str) -> subprocess.Popen:
        return self._start(name, worker_args(self.queue, f"{name}.{self.queue}"), " ready.")

    def beat(self, name: str) -> subprocess.Popen:
        return self._start(name, ["beat", "--schedule", str(self.tmp / f"{name}.schedule"), "--loglevel", "INFO",
                                  "--max-interval", "1"], "beat: Starting")

    def logs(self) -> str:
        return "\n".join(f"--- {p.log_path.stem}\n{Path(p.log_path).read_text(errors='replace')[-3000:]}" for p in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            stop_process(proc)
        forget_keys(self.keyprefix)


@pytest.fixture
def smtp():
    server = GatedSmtp()
    yield server
    server.stop()


@pytest.fixture
def cluster(live_db, smtp, tmp_path):
    assert settings.DATABASES["default"]["NAME"].startswith("test_")
    c = Cluster(tmp_path, smtp.port)
    yield c
    c.stop()


@pytest.fixture
def workspace(live_db):
    """A company of its own with four salespeople; dropped by ``live_db`` afterwards."""
    from saas_core.accounts.models import User
    from tenants import provisioning

    sub = "rem" + uuid.uuid4().hex[:10]
    ws = provisioning.create_workspace(company_name=f"Reminder {sub}", subdomain=sub, admin_name="Boss",
                                       email=f"boss@{sub}.example.com", password=PASSWORD, language="en")
    schema = ws.tenant.schema_name
    with schema_context(schema):
        users = [User.objects.create(username=f"s{i}", name=f"Seller {i}", email=f"s{i}@{sub}.example.com", role="sales")
                 for i in range(4)]
    yield schema, users
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public.wakeups_wakeup WHERE schema_name = %s", [schema])


def _add_due(schema: str, users, count: int, prefix: str) -> None:
    with schema_context(schema):
        due = timezone.now() - timedelta(seconds=1)
        services.add_reminders([
            Reminder(user=users[i % len(users)], remind_at=due, source="task", key=f"{prefix}:{i}",
                     title=f"{prefix} reminder #{i:04d}", url="/activities/tasks/") for i in range(count)
        ])


def _wait_all_sent(schema: str, count: int, cluster: Cluster, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with schema_context(schema):
            sent = Delivery.objects.filter(state="sent").count()
            notified = Reminder.objects.filter(notified_at__isnull=False).count()
        if sent == count and notified == count:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{notified}/{count} notified, {sent}/{count} e-mailed after {timeout}s\n{cluster.logs()}")
        time.sleep(0.3)


def _people(schema: str, count: int, prefix: str, **fields):
    """``count`` salespeople with addresses of their own (so each reminder is a message of its own)."""
    from saas_core.accounts.models import User

    with schema_context(schema):
        return [User.objects.create(username=f"{prefix}{i}", name=f"Person {i}", email=f"{prefix}{i}@{schema}.example.com",
                                    role="sales", **{k: v.format(i=i) for k, v in fields.items()})
                for i in range(count)]


@contextmanager
def table_locked(schema: str, table: str) -> Iterator[None]:
    """Writes to ``schema.table`` wait while this is open (another connection holds an EXCLUSIVE lock)."""
    import psycopg

    with psycopg.connect(database_url_of_test_db()) as conn:
        conn.execute(f'LOCK TABLE "{schema}"."{table}" IN EXCLUSIVE MODE')
        try:
            yield
        finally:
            conn.rollback()


def _taken_over(schema: str, channel: str) -> int:
    """Deliveries leased more than once: a lease ran out while its worker was still at work."""
    with schema_context(schema):
        return Delivery.objects.filter(channel=channel, attempts__gte=2).count()


def _assert_exactly_once(schema: str, smtp: GatedSmtp, prefix: str, count: int) -> None:
    texts = "\n".join(smtp.texts())
    for i in range(count):
        title = f"{prefix} reminder #{i:04d}"
        assert texts.count(title) == 1, f"{title} arrived {texts.count(title)} times"
    with schema_context(schema):
        assert Notification.objects.filter(reminder__isnull=False).count() == count
        assert Delivery.objects.count() == count  # one e-mail delivery per reminder


def _two_workers_two_beats(cluster: Cluster) -> None:
    """Started before the CPUs are made busy: the contention is for the delivery, not the start-up."""
    cluster.worker("w1")
    cluster.worker("w2")
    cluster.beat("beat1")
    cluster.beat("beat2")


def _deliver_with_two_beats(schema: str, people, count: int, prefix: str, cluster: Cluster) -> None:
    """Two workers and two beats ticking; then, with every core busy, ``count`` reminders due,
    until all are sent and a few more ticks have found nothing more to send."""
    _two_workers_two_beats(cluster)
    with busy_cpus():
        _add_due(schema, people, count, prefix)
        _wait_all_sent(schema, count, cluster)
        time.sleep(3)


def test_two_beats_and_two_workers_deliver_each_reminder_once(workspace, cluster, smtp):
    schema, users = workspace
    count = 2500  # several claim and send batches, so the two workers' runs interleave
    _deliver_with_two_beats(schema, users, count, "twobeats", cluster)
    _assert_exactly_once(schema, smtp, "twobeats", count)
    ticks = sum(Path(p.log_path).read_text(errors="replace").count("reminders_tick") for p in cluster.procs[2:])
    assert ticks >= 4, cluster.logs()  # both beats really ticked, more than once each


def test_an_smtp_server_slower_than_the_lease_still_gets_each_reminder_once(workspace, cluster, smtp):
    """The first worker leases every e-mail at once and the server takes 0.6 s a message: the
    lease (3 s) ends long before it is through, the second worker leases the rest again, and the
    first must not send what is no longer its own."""
    schema, _users = workspace
    count = 24
    smtp.delay = 0.6
    _deliver_with_two_beats(schema, _people(schema, count, "slow"), count, "slow", cluster)
    _assert_exactly_once(schema, smtp, "slow", count)
    assert _taken_over(schema, "email"), cluster.logs()  # the race was really provoked


def test_a_worker_killed_mid_run_leaves_nothing_lost_or_doubled(workspace, cluster, smtp):
    schema, users = workspace
    count = 40
    doomed = cluster.worker("doomed")
    cluster.beat("beat")
    smtp.hold()
    with busy_cpus():
        _add_due(schema, users, count, "killed")
        assert smtp.held.wait(120), cluster.logs()  # the worker is inside its SMTP conversation now
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
        with schema_context(schema):
            assert Reminder.objects.filter(notified_at__isnull=False).count() == count  # in-app was committed
            assert Delivery.objects.filter(state="sending").count() == count  # leased by the dead worker
            assert Delivery.objects.filter(state="sent").count() == 0
        smtp.release()
        cluster.worker("rescuer")
        _wait_all_sent(schema, count, cluster)
    _assert_exactly_once(schema, smtp, "killed", count)
    with schema_context(schema):
        assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}  # leased again after the lease ended


def test_two_beats_text_each_reminder_once_through_the_sms_module(workspace, cluster, smtp):
    """SMS on (development provider), two beats ticking: the reminder runs write each text once
    and the workers' ``send_message`` sends it once. The module's quota table is locked until
    the second worker has leased texts again (the first one's lease ran out while its text waited
    in the module), so the two workers' runs overlap on the same rows on purpose."""
    from billing.overrides import set_override
    from plugins.sms.models import SmsMessage, SmsSettings, SmsUsage
    from tenants.models import Tenant

    schema, _users = workspace
    count = 60  # one reminder per person, so each text names one reminder
    set_override(Tenant.objects.get(schema_name=schema), "sms", True)
    with schema_context(schema):
        SmsSettings.objects.update_or_create(pk=1, defaults={"remind_by_sms": True, "monthly_quota": 1000})
    people = _people(schema, count, "m", mobile="139{i:08d}")
    _two_workers_two_beats(cluster)
    with busy_cpus():
        with table_locked(schema, SmsUsage._meta.db_table):
            _add_due(schema, people, count, "texted")
            deadline = time.monotonic() + 120
            while not _taken_over(schema, "sms"):
                if time.monotonic() > deadline:
                    pytest.fail(f"no SMS delivery was leased twice\n{cluster.logs()}")
                time.sleep(0.3)
        deadline = time.monotonic() + 300
        while True:
            with schema_context(schema):
                texted = SmsMessage.objects.filter(status=SmsMessage.Status.SENT).count()
                marked = Delivery.objects.filter(channel="sms", state="sent").count()
            if texted >= count and marked == count:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"{marked}/{count} SMS deliveries marked, {texted}/{count} texts sent\n{cluster.logs()}")
            time.sleep(0.3)
        time.sleep(3)  # further ticks of both beats text nothing more
    with schema_context(schema):
        bodies = list(SmsMessage.objects.values_list("body", flat=True))
        for i in range(count):
            title = f"texted reminder #{i:04d}"
            assert sum(title in body for body in bodies) == 1, title
        assert len(bodies) == count
        assert set(SmsMessage.objects.values_list("attempts", flat=True)) == {1}
        from plugins.sms.services import quota_used

        assert quota_used() == count
