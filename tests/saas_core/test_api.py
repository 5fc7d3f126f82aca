"""API conventions every endpoint shares: JSON errors (also where no route matched) and JSON-object bodies."""

import pytest

from tests.conftest import api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/pools/0.5/", "/api/v1/customers/1.5/status/", "/api/v1/no-such-thing/"])
def test_an_api_url_that_matches_no_route_is_a_json_404(tenant_a, boss_a, path):
    answer = api(tenant_a, boss_a).get(path)
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": "Not found.", "errors": {}}


def test_web_pages_keep_their_html_404(client_for, tenant_a, boss_a):
    answer = client_for(tenant_a, boss_a).get("/customers/1.5/")
    assert answer.status_code == 404 and answer["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("body", ["[null, null]", "42", '"text"', "null"])
def test_a_json_body_that_is_not_an_object_is_a_400_not_a_500(tenant_a, boss_a, body):
    answer = api(tenant_a, boss_a).post("/api/v1/pools/release-departed/", body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"detail": "The request body must be a JSON object of named fields.", "errors": {}}


def test_the_schema_documents_the_error_body_and_one_object_answers(tenant_a, boss_a):
    schema = api(tenant_a, boss_a).get("/api/v1/schema/?format=json").json()
    me = schema["paths"]["/api/v1/me/"]["get"]["responses"]
    assert me["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Me"}
    assert me["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "errors"]
    tree = schema["paths"]["/api/v1/departments/tree/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert tree["schema"] == {"$ref": "#/components/schemas/OrgChart"}
