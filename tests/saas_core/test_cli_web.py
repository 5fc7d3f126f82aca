"""The web server as ``crm run`` (and the Helm chart) start it believes no X-Forwarded-For itself.

Found attacking a running installation (bench/attack): uvicorn by default believes the header from
127.0.0.1 and makes its value the client address, so a client on the same host (or behind a local
proxy that passes the header on) got a fresh sign-in lock and rate limit per forged address:
wrong passwords kept being checked after the lock (400 instead of 429). The address is the app's
to work out, from ``TRUSTED_PROXIES`` only (saas_core.net).
"""

from __future__ import annotations

import subprocess

import requests

from saas_core import cli
from tests.conftest import free_port
from tests.workers import stop_process, wait_for_port


def test_a_forged_forwarded_for_does_not_change_the_client_address():
    port = free_port()
    command = cli.web_server_command(host="127.0.0.1", port=str(port), app="tests.saas_core.client_address_app:app")
    proc = subprocess.Popen([*command, "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, "uvicorn")
        for header, value in [("X-Forwarded-For", "203.0.113.9"), ("Forwarded", "for=203.0.113.9"),
                              ("X-Forwarded-For", "203.0.113.9, 198.51.100.7")]:
            answer = requests.get(f"http://127.0.0.1:{port}/", headers={header: value}, timeout=30)
            assert answer.text == "127.0.0.1", (header, answer.text)
    finally:
        stop_process(proc)
