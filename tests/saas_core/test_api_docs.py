"""Swagger UI (/api/v1/docs/) speaks the reader's language where it is ours: the header, the
title, and the schema it loads (title, description, field labels)."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db

WORDS = {
    "en": {"title": "CRM API", "header": "API documentation", "description": "Per-company REST API",
           "404": "No such object in this company"},
    "zh-hans": {"title": "CRM 接口", "header": "接口文档", "description": "按公司划分的 REST 接口",
                "404": "本公司没有该对象"},
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_docs_page_and_its_schema_are_in_the_readers_language(client_for, tenant_a, boss_a, language):
    from tests.conftest import in_tenant

    with in_tenant(tenant_a):
        boss_a.language = language  # a signed-in user reads their own language
        boss_a.save(update_fields=["language"])
    client = client_for(tenant_a, boss_a)
    page = client.get("/api/v1/docs/").content.decode()
    words = WORDS[language]
    assert f"<title>{words['title']}</title>" in page
    assert words["header"] in page
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    script = client.get(script_url).content.decode()
    schema_url = json.loads(re.search(r'("/api/v1/schema/[^"]*")', script).group(1))  # a JS string, escaped
    assert f"lang={language}" in schema_url
    schema = client.get(schema_url, HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["info"]["title"] == words["title"]
    assert schema["info"]["description"].startswith(words["description"])
    assert schema["paths"]["/api/v1/customers/{id}/"]["get"]["responses"]["404"]["description"].startswith(words["404"])
    other = "zh-hans" if language == "en" else "en"
    assert WORDS[other]["header"] not in page
