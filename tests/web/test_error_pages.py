"""The 500 page: branded like the 404, in the reader's language, even when the database is down."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

from saas_core.middleware import TenantByHostMiddleware
from saas_core.urls import handler500  # noqa: F401 - this URLconf's error page is the product's

pytestmark = pytest.mark.django_db


def _explodes(request):
    raise RuntimeError("a bug")


urlpatterns = [path("explodes/", _explodes), path("api/v1/explodes/", _explodes)]

TEXT = {
    "en": ("Something went wrong", "An error on our side stopped this page.", "Back to the start page"),
    "zh-hans": ("出错了", "我们这边的错误中断了此页面。", "返回首页"),
}


def assert_branded_500(response, language: str) -> None:
    assert response.status_code == 500
    html = response.content.decode()
    assert "Server Error (500)" not in html
    assert f'<html lang="{language}">' in html
    assert 'class="navbar-brand"' in html and "/static/vendor/bootstrap.min.css" in html
    for text in TEXT[language]:
        assert text in html
    other = "zh-hans" if language == "en" else "en"
    assert TEXT[other][0] not in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_in_a_page_shows_the_branded_error_page_in_the_readers_language(client_for, tenant_a, language):
    client = client_for(tenant_a, raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    assert_branded_500(client.get("/explodes/"), language)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_with_the_database_down_the_page_still_renders_in_the_cookies_language(tenant_a, monkeypatch, language):
    """Host routing is the first thing that asks the database: it fails before the language
    middleware ran, so the page picks the language itself (the cookie beats Accept-Language)."""

    def database_down(self, request):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr(TenantByHostMiddleware, "process_request", database_down)
    other = "zh-hans" if language == "en" else "en"
    client = Client(HTTP_HOST=tenant_a.host, HTTP_ACCEPT_LANGUAGE=other, raise_request_exception=False)
    client.cookies["django_language"] = language
    assert_branded_500(client.get("/customers/"), language)
    # Without a cookie, Accept-Language decides.
    fresh = Client(HTTP_HOST=tenant_a.host, HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    assert_branded_500(fresh.get("/"), language)


@override_settings(ROOT_URLCONF=__name__)
def test_an_api_crash_answers_json_in_the_callers_language(client_for, tenant_a):
    for language, words in (("en", "An error on our side"), ("zh-hans", "我们这边的错误")):
        response = client_for(tenant_a, raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language).get(
            "/api/v1/explodes/")
        assert response.status_code == 500
        assert response.json()["code"] == "server_error"
        assert words in response.json()["detail"]
