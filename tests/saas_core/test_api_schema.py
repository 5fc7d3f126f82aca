"""The API answers as its published OpenAPI schema says (schemathesis over /api/v1/schema/).

Generated clients are built from that schema, so every operation is called with data generated
from it (valid and invalid) against the real product (uvicorn, ASGI, as in production) in a
workspace of its own, signed in as its Boss with a token, and fails on:

* any 5xx;
* a status code, content type or body the schema does not describe for that operation
  (errors included: they are documented as JSON ``{"detail", "errors"}``, so an HTML error page
  fails too).

Bounded in time: a few examples per operation, derandomized (the same cases on every run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import hypothesis
import pytest
import requests
import schemathesis
from django.conf import settings
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import PASSWORD, free_port
from tests.workers import forget_keys, routing, stop_process, wait_for_port, worker_env

pytestmark = pytest.mark.live

# Examples per operation in the fuzzing phase, besides the coverage phase's boundary cases.
# ~180 operations: this keeps the whole run within a few minutes on a busy CI machine.
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "6"))

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


class Target:
    """The fuzzed workspace: where to send requests and with which headers."""

    def __init__(self, base_url: str, host: str, token: str, boss_id: int, schema_name: str):
        self.base_url, self.host, self.token, self.boss_id, self.schema_name = base_url, host, token, boss_id, schema_name

    @property
    def headers(self) -> dict[str, str]:
        return {"Host": self.host, "Authorization": f"Token {self.token}", "Accept-Language": "en"}


def _populate(boss) -> None:
    """Something behind most ids and in most lists, so that answers with data are checked too:
    the demo company's staff, customers and week of activities, an announcement, an opt-out."""
    from plugins.sms import services as sms
    from saas_core import demo
    from saas_core.announcements import services as announcements

    demo._demo_staff()
    demo._demo_customers()
    demo._demo_activities()
    announcements.post(author=boss, title="Fuzz week", body="Be kind to the API.")
    sms.add_opt_out("13800138000", by=boss, note="asked us to stop")


@pytest.fixture(scope="module")
def fuzz_target(django_db_setup, django_db_blocker, localstripe_server, tmp_path_factory):
    """A workspace of its own (committed; dropped afterwards) with the SMS module on, served by
    its own uvicorn whose Celery messages go to a private, forgotten queue (no worker runs them)."""
    from billing.models import Plan
    from billing.overrides import set_override
    from saas_core.accounts.models import User
    from tenants import provisioning
    from tenants.models import Tenant

    sub = f"fuzz-{uuid.uuid4().hex[:6]}"
    email = f"boss@{sub}.example.com"
    with django_db_blocker.unblock():
        # The plan the billing operations' examples name: the workspace starts a trial of it, and
        # the examples save a card, subscribe, quote and change for real (at localstripe).
        plan, _created = Plan.objects.get_or_create(code="team", defaults={
            "name": "Team", "price_per_seat_minor": 9900, "currency": "CNY", "min_seats": 1})
        ws = provisioning.create_workspace(company_name="Fuzz Trading Ltd", subdomain=sub, admin_name="Fuzz Boss",
                                           email=email, password=PASSWORD, language="en")
        set_override(ws.tenant, "sms", True)
        with schema_context(ws.tenant.schema_name), translation.override("en"):
            boss = User.objects.get(email=email)
            _populate(boss)
        boss_id = boss.pk
    queue, keyprefix = routing("fuzz")
    port = free_port()
    log = (tmp_path_factory.mktemp("fuzz") / "uvicorn.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "saas_core.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        env=worker_env(queue, keyprefix), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc, "uvicorn")
        host = f"{sub}.localhost:{port}"
        answer = requests.post(f"http://127.0.0.1:{port}/api/v1/auth/token/", json={"username": email, "password": PASSWORD},
                               headers={"Host": host}, timeout=30)
        assert answer.status_code == 200, answer.text
        yield Target(f"http://127.0.0.1:{port}", host, answer.json()["token"], boss_id, ws.tenant.schema_name)
    finally:
        stop_process(proc)
        log.close()
        forget_keys(keyprefix)
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            Tenant.objects.get(pk=ws.tenant.pk).delete(force_drop=True)
            if _created:
                plan.delete()


def _generated_schema() -> dict:
    """The schema the API publishes, generated in-process at collection (no database needed),
    so that each operation is its own test; ``test_the_published_schema_is_the_one_fuzzed`` checks
    it is the very document a workspace serves at /api/v1/schema/."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    with translation.override("en"):  # titles and descriptions are translated, like the served one's
        document = SchemaGenerator(urlconf=settings.ROOT_URLCONF).get_schema(request=None, public=True)
        return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


GENERATED = _generated_schema()
schema = schemathesis.openapi.from_dict(GENERATED)
if only := os.environ.get("API_FUZZ_ONLY"):  # while working on a few operations
    schema = schema.include(path_regex=only)


def test_the_published_schema_is_the_one_fuzzed(fuzz_target):
    answer = requests.get(fuzz_target.base_url + "/api/v1/schema/?format=json", headers=fuzz_target.headers,
                          timeout=60)
    assert answer.status_code == 200
    assert answer.json() == GENERATED


@schema.parametrize()
@hypothesis.settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                     phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_the_schema_says(case, fuzz_target):
    if case.operation.path.startswith("/api/v1/users/{id}/") and str(case.path_parameters.get("id")) == str(
            fuzz_target.boss_id):
        # Deleting, disabling, demoting or re-passwording the Boss would sign the run out (their token is revoked)
        # and leave nobody to call the Boss-only operations; other users are fair game.
        return
    case.call_and_validate(base_url=fuzz_target.base_url, headers=fuzz_target.headers, checks=CHECKS, timeout=60)
