"""The call-log API: list with the log's filters and pagination, detail, data scope by agent,
the permission-checked recording, another company's calls, the module off, the schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile

from plugins.call_center import services
from plugins.call_center.models import Call
from plugins.call_center.services import TelephonyEvent
from saas_core.customers.services import create_customer
from tests.conftest import api, in_tenant
from tests.plugins.call_center.conftest import a_call

pytestmark = pytest.mark.django_db
URL = "/api/v1/call_center/calls/"


def ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.content
    return [row["id"] for row in answer.json()["results"]]


def test_an_agent_lists_only_their_own_calls_and_the_boss_everyones(desk, cc_a):
    with in_tenant(cc_a):
        mine = a_call("api-1", "801", answered=True)
        other = a_call("api-2", "802")
    assert ids(api(cc_a, desk.agents[0]).get(URL)) == [mine.pk]
    assert set(ids(api(cc_a, desk.boss).get(URL))) == {mine.pk, other.pk}
    row = api(cc_a, desk.agents[0]).get(f"{URL}{mine.pk}/").json()
    assert row["agent"] == desk.agents[0].pk and row["agent_name"] == "Agent 1"
    assert row["direction"] == "in" and row["result"] == "answered" and row["duration"] == 7
    assert row["caller"] == "13812349999" and row["recording"] is None and row["recording_stored"] is False
    assert api(cc_a, desk.agents[0]).get(f"{URL}{other.pk}/").status_code == 404


def test_the_list_takes_the_call_logs_filters_and_pages(desk, cc_a):
    with in_tenant(cc_a):
        customer = create_customer(by=desk.boss, name="接口客户", confirm_duplicates=True, phone="13812340055",
                                   owner=desk.agents[0])
        known = a_call("api-f1", "801", caller="13812340055", answered=True)
        missed = a_call("api-f2", "802", caller="13700000002")
        third = a_call("api-f3", "803", caller="13700000003")
    boss = api(cc_a, desk.boss)
    assert ids(boss.get(URL, {"result": "missed", "agent": desk.agents[1].pk})) == [missed.pk]
    assert ids(boss.get(URL, {"customer": customer.pk})) == [known.pk]
    assert ids(boss.get(URL, {"q": "+86 137-0000-0003"})) == [third.pk]
    assert ids(boss.get(URL, {"q": "接口客户"})) == [known.pk]
    assert set(ids(boss.get(URL, {"direction": "in", "result": "missed"}))) == {missed.pk, third.pk}
    assert ids(boss.get(URL, {"direction": "out"})) == []
    first = boss.get(URL, {"page_size": 2, "ordering": "started_at"}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    assert len(boss.get(URL, {"page_size": 2, "page": 2}).json()["results"]) == 1


@pytest.mark.parametrize(("params", "field"), [
    ({"result": "hung-up"}, "result"), ({"direction": "sideways"}, "direction"), ({"start": "2026-13-40"}, "start"),
    ({"agent": "x"}, "agent"), ({"customer": "x"}, "customer"),
])
def test_a_bad_filter_is_a_400_naming_the_field(desk, cc_a, params, field):
    answer = api(cc_a, desk.boss).get(URL, params)
    assert answer.status_code == 400 and list(answer.json()["errors"]) == [field]


def test_an_agent_outside_ones_scope_cannot_be_asked_for(desk, cc_a):
    with in_tenant(cc_a):
        a_call("api-s1", "802")
    answer = api(cc_a, desk.agents[0]).get(URL, {"agent": desk.agents[1].pk})
    assert answer.status_code == 400 and "agent" in answer.json()["errors"]


def test_a_call_that_rang_for_an_agent_is_theirs_to_read_while_a_colleague_took_it(desk, cc_a):
    now = datetime.now(UTC) - timedelta(minutes=1)
    with in_tenant(cc_a):
        services.ingest([
            TelephonyEvent(vendor="generic", call_id="api-q", event="ringing", at=now, caller="13812340001",
                           agents=["801", "802"]),
            TelephonyEvent(vendor="generic", call_id="api-q", event="answered", at=now + timedelta(seconds=3),
                           agents=["802"]),
        ])
        call = services.process_call("generic", "api-q")
    assert ids(api(cc_a, desk.agents[0]).get(URL)) == []  # the log: the scope over the agent who took it
    detail = api(cc_a, desk.agents[0]).get(f"{URL}{call.pk}/")
    assert detail.status_code == 200 and detail.json()["agent"] == desk.agents[1].pk
    assert api(cc_a, desk.agents[2]).get(f"{URL}{call.pk}/").status_code == 404


def test_the_recording_is_served_only_to_whom_may_see_the_call(desk, cc_a, tenant_b, make_user, switch_module,
                                                               settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    with in_tenant(cc_a):
        call = a_call("api-r", "801", answered=True)
        no_recording = a_call("api-r2", "801")
        call.recording.save(f"{cc_a.schema}/call_recordings/api-r.mp3", ContentFile(b"ID3-audio"), save=True)
    own = api(cc_a, desk.agents[0])
    row = own.get(f"{URL}{call.pk}/").json()
    assert row["recording_stored"] is True
    assert row["recording"] == f"http://{cc_a.host}{URL}{call.pk}/recording/"
    listened = own.get(f"{URL}{call.pk}/recording/")
    assert listened.status_code == 200 and b"".join(listened.streaming_content) == b"ID3-audio"
    assert own.get(f"{URL}{no_recording.pk}/recording/").status_code == 404
    assert api(cc_a, desk.agents[1]).get(f"{URL}{call.pk}/recording/").status_code == 404
    switch_module(tenant_b, "call_center", True)
    boss_b = make_user(tenant_b, username="bossapirec", role="boss")
    assert api(tenant_b, boss_b).get(f"{URL}{call.pk}/recording/").status_code == 404


def test_another_companys_calls_are_not_there_by_any_url(desk, cc_a, tenant_b, make_user, switch_module):
    with in_tenant(cc_a):
        call = a_call("api-iso", "801", caller="13812345678")
    switch_module(tenant_b, "call_center", True)
    boss_b = make_user(tenant_b, username="bossapi", role="boss")
    client_b = api(tenant_b, boss_b)
    assert ids(client_b.get(URL)) == [] and ids(client_b.get(URL, {"q": "13812345678"})) == []
    assert client_b.get(f"{URL}{call.pk}/").status_code == 404
    a_on_b = api(cc_a, desk.boss)
    a_on_b.defaults["HTTP_HOST"] = tenant_b.host  # A's session on B's host is nobody there
    assert a_on_b.get(f"{URL}{call.pk}/").status_code in (401, 403)
    assert a_on_b.get(URL).status_code in (401, 403)


def test_a_role_without_the_call_center_right_is_refused_and_writes_are_not_allowed(desk, cc_a, make_user):
    keeper = make_user(cc_a, username="keeper", role="warehouse_keeper")
    refused = api(cc_a, keeper).get(URL)
    assert refused.status_code == 403 and refused.json()["detail"]
    boss = api(cc_a, desk.boss)
    assert boss.post(URL, {"caller": "1"}, format="json").status_code == 405
    with in_tenant(cc_a):
        call = a_call("api-w", "801")
    assert boss.delete(f"{URL}{call.pk}/").status_code == 405
    with in_tenant(cc_a):
        assert Call.objects.filter(pk=call.pk).exists()


def test_the_module_off_answers_404_in_json(desk, cc_a, switch_module):
    with in_tenant(cc_a):
        call = a_call("api-off", "801")
    switch_module(cc_a, "call_center", False)
    boss = api(cc_a, desk.boss)
    for url in (URL, f"{URL}{call.pk}/", f"{URL}{call.pk}/recording/"):
        answer = boss.get(url)
        assert answer.status_code == 404 and answer["Content-Type"].startswith("application/json"), url


def test_the_call_log_is_in_the_published_schema(desk, cc_a):
    schema = api(cc_a, desk.boss).get("/api/v1/schema/?format=json").json()
    listing = schema["paths"][URL]["get"]
    assert {"q", "direction", "result", "agent", "customer", "start", "end", "page", "page_size"} <= {
        p["name"] for p in listing["parameters"]}
    assert "audio/*" in schema["paths"][URL + "{id}/recording/"]["get"]["responses"]["200"]["content"]
