"""The activities API: same rules as the pages, 400 with the field map on bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import api
from tests.saas_core.activities.conftest import add

pytestmark = pytest.mark.django_db


def test_follow_up_api_windows_and_errors(org, tenant_a):
    customer = add(tenant_a, org.sales1, "API Follow Co")
    c = api(tenant_a, org.sales1)
    created = c.post("/api/v1/followups/", {"customer": customer.pk, "subject": "微信沟通",
                                             "next_on": timezone.localdate().isoformat()}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["customer_name"] == "API Follow Co"
    assert [r["subject"] for r in c.get("/api/v1/followups/?view=followed_today").json()["results"]] == ["微信沟通"]
    assert c.get("/api/v1/followups/?view=due_week").json()["count"] == 1
    assert c.get("/api/v1/followups/?view=nonsense").status_code == 400
    bad = c.post("/api/v1/followups/", {"customer": customer.pk, "subject": "",
                                         "happened_at": (timezone.now() + timedelta(days=2)).isoformat()}, format="json")
    assert bad.status_code == 400 and "subject" in bad.json()["errors"]
    future = c.post("/api/v1/followups/", {"customer": customer.pk, "subject": "x",
                                            "happened_at": (timezone.now() + timedelta(days=2)).isoformat()}, format="json")
    assert future.status_code == 400 and "happened_at" in future.json()["errors"]
    assert api(tenant_a, org.sales_w).get(f"/api/v1/followups/{created.json()['id']}/").status_code == 404


def test_task_api_flow_and_calendar(org, tenant_a):
    manager, s1, s2 = api(tenant_a, org.manager), api(tenant_a, org.sales1), api(tenant_a, org.sales2)
    start = timezone.now() + timedelta(days=1)
    made = manager.post("/api/v1/tasks/", {"title": "回访老客户", "starts_at": start.isoformat(),
                                           "ends_at": (start + timedelta(hours=1)).isoformat(),
                                           "assignees": [org.sales1.pk]}, format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["assignments"][0]["user"] == org.sales1.pk
    assert s1.post(f"/api/v1/tasks/{pk}/hand_over/", {"to": org.sales2.pk}, format="json").status_code == 200
    assert s2.post(f"/api/v1/tasks/{pk}/done/").json()["status"] == "done"
    assert s2.post(f"/api/v1/tasks/{pk}/confirm/").status_code == 403
    assert manager.post(f"/api/v1/tasks/{pk}/confirm/").json()["status"] == "confirmed"
    day = timezone.localtime(start).date()
    items = manager.get(f"/api/v1/calendar/?start={day}&end={day}&who=me").json()
    assert [i["title"] for i in items] == ["回访老客户"]
    assert manager.get("/api/v1/calendar/?start=2026-01-01&end=2026-06-01").status_code == 400
    wrong = manager.post("/api/v1/tasks/", {"title": "x", "starts_at": start.isoformat(),
                                            "ends_at": (start - timedelta(hours=1)).isoformat()}, format="json")
    assert wrong.status_code == 400 and "ends_at" in wrong.json()["errors"]


def test_daily_report_api(org, tenant_a):
    s1, manager = api(tenant_a, org.sales1), api(tenant_a, org.manager)
    today = timezone.localdate().isoformat()
    draft = s1.post("/api/v1/daily-reports/", {"day": today, "summary": "", "plan": "明天"}, format="json")
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    assert manager.get("/api/v1/daily-reports/").json()["count"] == 0
    pk = draft.json()["id"]
    assert s1.patch(f"/api/v1/daily-reports/{pk}/", {"submit": True}, format="json").status_code == 400
    assert s1.patch(f"/api/v1/daily-reports/{pk}/", {"summary": "完成", "submit": True}, format="json").json()["status"] == "submitted"
    assert manager.get("/api/v1/daily-reports/?unread=1").json()["count"] == 1
    assert manager.get(f"/api/v1/daily-reports/{pk}/").status_code == 200
    assert manager.get("/api/v1/daily-reports/?unread=1").json()["count"] == 0
    assert manager.post(f"/api/v1/daily-reports/{pk}/replies/", {"body": "收到"}, format="json").status_code == 201
    assert s1.get("/api/v1/daily-reports/?unread=1").json()["count"] == 1
    overview = manager.get(f"/api/v1/daily-reports/overview/?month={today[:7]}").json()
    row = next(p for p in overview["people"] if p["id"] == org.sales1.pk)
    assert "submitted" in row["days"]
    assert manager.get("/api/v1/daily-reports/overview/?month=2026-13").status_code == 400
    notes = s1.get("/api/v1/notifications/?unread=1").json()
    assert notes["count"] >= 1
    assert s1.post("/api/v1/notifications/read/", {}, format="json").json()["unread"] == 0


def test_care_api(org, tenant_a):
    customer = add(tenant_a, org.sales1, "API Care Co")
    c = api(tenant_a, org.sales1)
    made = c.post("/api/v1/care-records/", {"customer": customer.pk, "subject": "节日问候",
                                            "day": timezone.localdate().isoformat()}, format="json")
    assert made.status_code == 201, made.content
    assert c.get(f"/api/v1/care-records/?customer={customer.pk}").json()["count"] == 1
    assert c.delete(f"/api/v1/care-records/{made.json()['id']}/").status_code == 403  # Sales may not delete
    assert api(tenant_a, org.manager).delete(f"/api/v1/care-records/{made.json()['id']}/").status_code == 204
