"""Tenant isolation: a user of company B cannot read or change company A's follow-ups, tasks,
daily reports, care records or notifications by any page or API call, nor see them in lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from saas_core.activities import care, reports, services
from saas_core.activities.models import CareRecord, DailyReport, FollowUp, Notification, Task
from tests.conftest import api, in_tenant
from tests.saas_core.activities.conftest import add

pytestmark = pytest.mark.django_db

SECRET = "Alpha-only secret"


def _unused_in_b(tenant_b, model, pk: int) -> int:
    """An id of A's record that names nothing in B (ids are per company)."""
    with in_tenant(tenant_b):
        while model._base_manager.filter(pk=pk).exists():
            pk += 1000
    return pk


def test_company_b_cannot_reach_company_a_activities(org, tenant_a, tenant_b, client_for, make_user):
    customer = add(tenant_a, org.boss, f"{SECRET} customer")
    with in_tenant(tenant_a):
        followup = services.save_followup(None, by=org.boss, customer=customer, subject=f"{SECRET} follow-up")
        start = timezone.now() + timedelta(hours=3)
        task = services.create_task(by=org.boss, title=f"{SECRET} task", starts_at=start, ends_at=start + timedelta(hours=1),
                                    customer=customer)
        report = reports.save_report(by=org.boss, day=timezone.localdate(), summary=f"{SECRET} report", submit=True)
        record = care.save_care_record(None, by=org.boss, customer=customer, subject=f"{SECRET} care")
        note = services.notify(org.boss, f"{SECRET} notification")
    ids = {
        "followup": _unused_in_b(tenant_b, FollowUp, followup.pk), "task": _unused_in_b(tenant_b, Task, task.pk),
        "report": _unused_in_b(tenant_b, DailyReport, report.pk), "care": _unused_in_b(tenant_b, CareRecord, record.pk),
        "note": _unused_in_b(tenant_b, Notification, note.pk),
    }
    assert ids == {"followup": followup.pk, "task": task.pk, "report": report.pk, "care": record.pk, "note": note.pk}
    boss_b = make_user(tenant_b, role="boss", username="boss-b-activities")
    web = client_for(tenant_b, boss_b)
    pages = [
        ("get", f"/activities/followups/{followup.pk}/edit/"), ("post", f"/activities/followups/{followup.pk}/edit/"),
        ("get", f"/activities/followups/{followup.pk}/delete/"), ("post", f"/activities/followups/{followup.pk}/delete/"),
        ("get", f"/activities/followups/new/?customer={customer.pk}"),
        ("get", f"/activities/tasks/{task.pk}/"), ("get", f"/activities/tasks/{task.pk}/edit/"),
        ("post", f"/activities/tasks/{task.pk}/done/"), ("post", f"/activities/tasks/{task.pk}/confirm/"),
        ("post", f"/activities/tasks/{task.pk}/hand-over/"), ("post", f"/activities/tasks/{task.pk}/delete/"),
        ("post", f"/activities/tasks/{task.pk}/send-back/"),
        ("get", f"/activities/reports/{report.pk}/"), ("post", f"/activities/reports/{report.pk}/reply/"),
        ("post", f"/activities/care/{record.pk}/delete/"), ("get", f"/activities/care/new/?customer={customer.pk}"),
        ("get", f"/activities/notifications/{note.pk}/"),
    ]
    for method, url in pages:
        response = getattr(web, method)(url, {"to": boss_b.pk, "body": "x", "subject": "x"} if method == "post" else {})
        assert response.status_code == 404, (method, url, response.status_code)
    for url in ("/activities/followups/", "/activities/tasks/?show=team", "/activities/calendar/?who=team",
                "/activities/today/", "/activities/reports/", "/activities/reports/month/", "/activities/care/",
                "/activities/notifications/", "/workbench/", "/activities/followups/?q=Alpha"):
        assert SECRET not in web.get(url).content.decode(), url
    rest = api(tenant_b, boss_b)
    for url in (f"/api/v1/followups/{followup.pk}/", f"/api/v1/tasks/{task.pk}/", f"/api/v1/daily-reports/{report.pk}/",
                f"/api/v1/care-records/{record.pk}/", f"/api/v1/notifications/{note.pk}/",
                f"/api/v1/daily-reports/{report.pk}/replies/"):
        assert rest.get(url).status_code == 404, url
    assert rest.patch(f"/api/v1/followups/{followup.pk}/", {"subject": "hacked"}, format="json").status_code == 404
    assert rest.delete(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert rest.post(f"/api/v1/tasks/{task.pk}/done/").status_code == 404
    assert rest.post(f"/api/v1/daily-reports/{report.pk}/replies/", {"body": "x"}, format="json").status_code == 404
    assert rest.post("/api/v1/followups/", {"customer": customer.pk, "subject": "x"}, format="json").status_code == 400
    assert rest.post("/api/v1/notifications/read/", {"ids": [note.pk]}, format="json").json()["marked"] == 0
    for url in ("/api/v1/followups/?search=Alpha", "/api/v1/tasks/", "/api/v1/daily-reports/", "/api/v1/care-records/",
                "/api/v1/notifications/", "/api/v1/calendar/?start=2020-01-01&end=2020-02-01&who=team",
                "/api/v1/daily-reports/overview/"):
        assert SECRET not in rest.get(url).content.decode(), url
    with in_tenant(tenant_a):
        assert FollowUp.objects.get(pk=followup.pk).subject == f"{SECRET} follow-up"
        assert Task.objects.get(pk=task.pk).status == "open"
        assert not report.replies.exists()
        assert Notification.objects.get(pk=note.pk).read_at is None
    # B's session means nothing on A's host
    on_a = client_for(tenant_a)
    on_a.cookies = web.cookies
    response = on_a.get(f"/activities/tasks/{task.pk}/")
    assert response.status_code == 302 and "/login/" in response.url
