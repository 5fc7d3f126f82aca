"""Sign-in protection under concurrency (accounts.guard): committed data, real threads."""

import subprocess
import sys
import threading

import pytest
from django.db import connection
from django.test import RequestFactory
from django_tenants.utils import schema_context

from saas_core.accounts import services
from saas_core.accounts.models import LoginAttempt
from tests.factories import UserFactory

ATTACKER = "203.0.113.66"


@pytest.mark.live
def test_parallel_guesses_cannot_slip_past_the_limit(live_db, tenant_a):
    """Eight guesses at once (each its own database connection: the shared server has few to
    spare), from one address, on a machine kept busy on purpose: the
    password is tried at most LOGIN_FAILURE_LIMIT times (each attempt reserves its failure
    in Redis before the hash), the others are answered "locked"."""
    with schema_context(tenant_a.schema):
        user = UserFactory(username="racer")
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    barrier, answers, errors = threading.Barrier(8), [], []

    def guess():
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ATTACKER)
        try:
            with schema_context(tenant_a.schema):
                barrier.wait(timeout=60)
                answers.append(services.attempt_login(request, "racer", "guess").reason)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=guess) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        for p in busy:
            p.kill()
            p.wait()
    with schema_context(tenant_a.schema):
        logged = sorted(LoginAttempt.objects.filter(username="racer").values_list("reason", flat=True))
        LoginAttempt.objects.filter(username="racer").delete()
        user.delete()
    assert not errors and len(answers) == 8, errors
    assert logged == ["bad_password"] * 5 + ["locked"] * 3
    # Refused guesses answer "locked"; the tried ones "wrong" (the lock may be set under them).
    assert answers.count("locked") >= 3 and answers.count("bad_password") + answers.count("locked") == 8
