"""Delivery by a real Celery worker (a subprocess on the test database and the real Redis) to
the loopback provider server: a message is never sent twice, whatever is delivered twice or
crashes; retryable errors are retried with back-off; the task refuses where SMS is off. And
the monthly quota holds against concurrent sends.

Each test makes its own workspace (committed data: the worker has its own connection; the log
cannot be deleted, so it is dropped with its schema by ``live_db``).
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from plugins.sms import services
from plugins.sms.models import SmsMessage
from plugins.sms.tasks import send_message
from tests.plugins.sms.conftest import ALLOW_FAKES, gateway
from tests.workers import Worker, forget_keys, start_worker
from tests.workers import routing as private_routing

pytestmark = pytest.mark.live


SMS_ENV = {"SMS_PROVIDER_TIMEOUT": "1", "SMS_RETRY_BASE_SECONDS": "1", "SMS_ALLOWED_ENDPOINT_HOSTS": ALLOW_FAKES}


def start_sms_worker(log_dir, queue: str, keyprefix: str) -> Worker:
    return start_worker(log_dir, queue, keyprefix, **SMS_ENV)


@pytest.fixture(scope="module")
def routing():
    queue, keyprefix = private_routing("sms")
    yield queue, keyprefix
    forget_keys(keyprefix)


@pytest.fixture(scope="module")
def sms_worker(django_db_setup, tmp_path_factory, routing):
    worker = start_sms_worker(tmp_path_factory.mktemp("sms-worker"), *routing)
    worker.tmp = tmp_path_factory.mktemp("sms-victims")
    yield worker
    worker.stop()


@pytest.fixture
def workspace(live_db, fake_server):
    """A fresh company with SMS on, its Boss (with a mobile), the gateway on the loopback server."""
    from billing.overrides import set_override
    from saas_core.accounts.models import User
    from tenants import provisioning

    fake_server.reset()
    fake_server.slow_seconds = 3
    sub = "sms" + uuid.uuid4().hex[:10]
    ws = provisioning.create_workspace(company_name=f"SMS {sub}", subdomain=sub, admin_name="Boss",
                                       email=f"boss@{sub}.example.com", password="Correct-Horse-77", language="en")
    set_override(ws.tenant, "sms", True)
    with schema_context(ws.tenant.schema_name):
        boss = User.objects.get(username=f"boss@{sub}.example.com")
        boss.mobile = "13900000000"
        boss.save(update_fields=["mobile"])
    ws.boss = boss
    yield ws
    fake_server.reset()


def queue_message(ws, provider: str, number: str, fake, body: str = "您好") -> SmsMessage:
    """A logged, queued message (set for later, so only the test's own task delivers it)."""
    with schema_context(ws.tenant.schema_name):
        gateway(provider, fake.url)
        template = services.save_template(None, by=ws.boss, name=f"t{uuid.uuid4().hex[:6]}", body=body,
                                          provider_code="SMS_1")
        return services.send_single(by=ws.boss, number=number, template=template,
                                    scheduled_at=timezone.now() + timedelta(days=1))


def message_in(ws, pk: int) -> SmsMessage:
    with schema_context(ws.tenant.schema_name):
        return SmsMessage.objects.get(pk=pk)


def wait_for(ws, pk: int, statuses: set[str], worker: Worker, timeout: float = 60) -> SmsMessage:
    deadline = time.monotonic() + timeout
    while True:
        message = message_in(ws, pk)
        if message.status in statuses:
            return message
        worker.assert_alive()
        if time.monotonic() > deadline:
            pytest.fail(f"message stayed {message.status}; worker output:\n{worker.log()}")
        time.sleep(0.2)


def test_the_same_task_delivered_twice_sends_once(sms_worker, workspace, fake_server):
    message = queue_message(workspace, "aliyun", "13812345678", fake_server)
    with schema_context(workspace.tenant.schema_name):
        first, second = sms_worker.send(send_message, message.pk), sms_worker.send(send_message, message.pk)
        out_id = f"{connection.schema_name}-{message.pk}"
    assert {sms_worker.result(first), sms_worker.result(second)} == {"sent"}
    assert fake_server.accepted_for(out_id) == 1
    assert fake_server.requests[0].signature_ok
    sent = message_in(workspace, message.pk)
    assert sent.status == "sent" and sent.attempts == 1 and sent.provider_message_id.endswith("^0")


def test_a_rate_limit_is_retried_with_back_off_and_then_sent(sms_worker, workspace, fake_server):
    message = queue_message(workspace, "aliyun", "13812345678", fake_server)
    fake_server.script("13812345678", "limit", "5xx")
    with schema_context(workspace.tenant.schema_name):
        sms_worker.send(send_message, message.pk)
    sent = wait_for(workspace, message.pk, {"sent", "failed"}, sms_worker)
    assert sent.status == "sent" and sent.attempts == 3
    assert [r.answer for r in fake_server.requests] == ["limit", "5xx", "ok"]
    assert "Retry in 1s" in sms_worker.log() and "Retry in 2s" in sms_worker.log()


def test_a_provider_refusal_is_recorded_with_its_message_and_costs_nothing(sms_worker, workspace, fake_server):
    message = queue_message(workspace, "tencent", "13812345678", fake_server)
    fake_server.script("+8613812345678", "daily")
    with schema_context(workspace.tenant.schema_name):
        assert sms_worker.result(sms_worker.send(send_message, message.pk)) == "failed"
        assert services.quota_used(services._month(message.scheduled_at)) == 0
    failed = message_in(workspace, message.pk)
    assert failed.error_code == "LimitExceeded.PhoneNumberDailyLimit" and "上限" in failed.error_message


def test_no_answer_in_time_is_not_resent(sms_worker, workspace, fake_server):
    message = queue_message(workspace, "tencent", "13812345678", fake_server)
    fake_server.script("+8613812345678", "slow")
    with schema_context(workspace.tenant.schema_name):
        assert sms_worker.result(sms_worker.send(send_message, message.pk)) == "unknown"
        assert sms_worker.result(sms_worker.send(send_message, message.pk)) == "unknown"
    assert len(fake_server.accepted) == 1
    assert message_in(workspace, message.pk).error_code == "NO_ANSWER"


def test_a_worker_killed_during_the_provider_call_does_not_send_again(sms_worker, workspace, fake_server, routing):
    """The provider took the message while the worker was killed (SIGKILL, no chance to record
    it); the broker hands the task to another worker, which must not send a second SMS."""
    message = queue_message(workspace, "aliyun", "13812345678", fake_server)
    fake_server.script("13812345678", "hold")
    victim = start_sms_worker(sms_worker.tmp, routing[0] + "-victim", routing[1])
    try:
        with schema_context(workspace.tenant.schema_name):
            victim.send(send_message, message.pk)
        assert fake_server.arrived.wait(60), victim.log()
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait(timeout=10)
    finally:
        victim.stop()
    fake_server.release()
    assert message_in(workspace, message.pk).status == "sending"
    with schema_context(workspace.tenant.schema_name):  # the redelivery
        assert sms_worker.result(sms_worker.send(send_message, message.pk)) == "unknown"
        out_id = f"{connection.schema_name}-{message.pk}"
    assert fake_server.accepted_for(out_id) == 1 and len(fake_server.requests) == 1
    assert "not resent" in message_in(workspace, message.pk).error_message


def test_the_task_refuses_where_the_module_is_off(sms_worker, workspace, fake_server):
    from billing.overrides import set_override

    message = queue_message(workspace, "aliyun", "13812345678", fake_server)
    set_override(workspace.tenant, "sms", False)
    with schema_context(workspace.tenant.schema_name):
        assert sms_worker.result(sms_worker.send(send_message, message.pk)) == {"refused": "module_off",
                                                                                  "module": "sms"}
    assert message_in(workspace, message.pk).status == "queued" and fake_server.requests == []


def test_concurrent_sends_cannot_overrun_the_monthly_quota(workspace):
    """Eight sends of two parts each race for a quota of five parts: exactly two get through."""
    from django.core.exceptions import ValidationError
    from django.db import connections

    schema = workspace.tenant.schema_name
    with schema_context(schema):
        gateway("development", monthly_quota=5)
    long_text = "好" * 100  # two parts
    barrier, outcomes = threading.Barrier(8), []

    def send(i: int) -> None:
        try:
            with schema_context(schema):
                barrier.wait(10)
                services.send_single(by=workspace.boss, number=f"1380000000{i}", body=long_text,
                                     scheduled_at=timezone.now() + timedelta(hours=1))
            outcomes.append("sent")
        except ValidationError as exc:
            outcomes.append("quota" if exc.code == "quota" else exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["quota"] * 6 + ["sent"] * 2
    with schema_context(schema):
        assert SmsMessage.objects.count() == 2
        assert services.quota_used(services._month(timezone.now() + timedelta(hours=1))) == 4
