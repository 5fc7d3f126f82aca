"""saas_core.links: the base URL of links sent outside a request (e-mails)."""

from __future__ import annotations

import pytest

from saas_core.links import base_url


@pytest.mark.parametrize(("https", "port", "expected"), [
    (False, "8000", "http://acme.localhost:8000"),
    (False, "", "http://acme.localhost"),
    (False, "80", "http://acme.localhost"),
    (True, "443", "https://acme.localhost"),
    (True, "8443", "https://acme.localhost:8443"),
])
def test_the_base_url_names_the_port_unless_it_is_the_schemes_default(settings, https, port, expected):
    settings.USE_HTTPS, settings.PUBLIC_PORT = https, port
    assert base_url("acme.localhost") == expected
