"""A third-party module package, installed with pip, works in one tenant and is absent in another.

``tests/modules/crm_hello`` is a separate distribution (its own pyproject.toml) declaring the
entry point ``crm.modules: hello``. It is pip-installed into a temporary folder; a real web
server started with that folder on its path registers it at start-up like any installed
module, ``manage.py sync_modules`` adds it to the catalogue, the vendor switches it on for A,
and then: its page and its API route exist on A only, and it hears A's
``crm_customer_created`` events only.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django_tenants.utils import schema_context

from tests.conftest import child_env, free_port

pytestmark = pytest.mark.live

REPO = Path(__file__).resolve().parents[2]
HELLO = REPO / "tests" / "modules" / "crm_hello"


@pytest.fixture(scope="module")
def hello_site(tmp_path_factory):
    """The hello package pip-installed into a folder of its own (not into the test's environment)."""
    work = tmp_path_factory.mktemp("hello")
    source = work / "src"
    shutil.copytree(HELLO, source)  # the build writes into its source tree
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(target), str(source)],
        check=True, capture_output=True,
    )
    assert (target / "crm_hello" / "plugin.py").exists()
    assert any(p.name.startswith("crm_hello-1.0.0") for p in target.glob("*.dist-info"))
    return target


@pytest.fixture
def server(hello_site, live_db, tmp_path):
    events = tmp_path / "events.txt"
    env = child_env(PYTHONPATH=f"{hello_site}", HELLO_EVENTS_FILE=str(events), SENTRY_DSN="")
    synced = subprocess.run([sys.executable, "manage.py", "sync_modules"], cwd=REPO, env=env, capture_output=True,
                            text=True)
    assert synced.returncode == 0, synced.stderr
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "saas_core.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning"], cwd=REPO, env=env,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the server with the hello module did not start") from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", events
    proc.terminate()
    proc.wait(timeout=10)


def switch_on_where_installed(site: Path, tenant_pk: int, key: str) -> None:
    """The vendor's switch, made in a process of the installation that has the module (the
    server's), through the same service the console uses."""
    code = ("from billing.overrides import set_override; from tenants.models import Tenant; "
            f"set_override(Tenant.objects.get(pk={tenant_pk}), {key!r}, True)")
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=REPO, check=True, capture_output=True,
                   env=child_env(PYTHONPATH=str(site), SENTRY_DSN=""))


def test_a_pip_installed_module_works_in_one_tenant_and_is_absent_in_another(server, hello_site, tenant_a, tenant_b):
    from django.core.exceptions import ValidationError
    from rest_framework.authtoken.models import Token

    from billing.models import Module, ModuleOverride
    from billing.overrides import set_override
    from plugins import manager
    from saas_core.accounts.models import User
    from saas_core.customers.models import Customer
    from tenants.models import Tenant

    base, events = server
    assert "hello" not in manager.modules()  # not installed in this (the test's) environment
    assert Module.objects.filter(key="hello").exists()  # added to the catalogue by sync_modules

    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    tokens = {}
    for info in (tenant_a, tenant_b):
        with schema_context(info.schema):
            boss = User.objects.get(username=info.boss_username)
            tokens[info.schema] = Token.objects.create(user=boss).key

    def get(info, path):
        return requests.get(base + path, headers={"Host": info.host, "Authorization": f"Token {tokens[info.schema]}"},
                            timeout=10)

    try:
        assert get(tenant_a, "/hello/").status_code == 404  # installed, but nobody has it yet
        with pytest.raises(ValidationError):  # not installed in this process: it cannot be switched on here
            set_override(alpha, "hello", True)
        switch_on_where_installed(hello_site, alpha.pk, "hello")

        page = get(tenant_a, "/hello/")
        assert page.status_code == 200 and page.text == "Hello from a third-party module in Alpha Trading Ltd"
        assert get(tenant_a, "/api/v1/hello/ping/").json() == {"module": "hello", "tenant": tenant_a.schema}
        modules_a = {m["key"]: m["enabled"] for m in get(tenant_a, "/api/v1/modules/").json()}
        assert modules_a["hello"] is True

        assert get(tenant_b, "/hello/").status_code == 404
        ping_b = get(tenant_b, "/api/v1/hello/ping/")
        assert ping_b.status_code == 404 and set(ping_b.json()) == {"detail"}
        modules_b = {m["key"]: m["enabled"] for m in get(tenant_b, "/api/v1/modules/").json()}
        assert modules_b["hello"] is False

        for info, name in ((tenant_a, "Hello event A Ltd"), (tenant_b, "Hello event B Ltd")):
            created = requests.post(base + "/api/v1/customers/", json={"name": name, "confirm_duplicates": True},
                                    headers={"Host": info.host, "Authorization": f"Token {tokens[info.schema]}"},
                                    timeout=10)
            assert created.status_code == 201, created.text
        deadline = time.monotonic() + 5
        while "Hello event A Ltd" not in (events.read_text() if events.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert events.read_text().splitlines() == ["Hello event A Ltd"]

        set_override(alpha, "hello", False)
        assert get(tenant_a, "/hello/").status_code == 404
    finally:
        ModuleOverride.objects.filter(module_id="hello").delete()
        Module.objects.filter(key="hello").delete()
        for info in (tenant_a, tenant_b):
            with schema_context(info.schema):
                Token.objects.filter(key=tokens.get(info.schema)).delete()
                Customer.all_objects.filter(name__startswith="Hello event").delete()
