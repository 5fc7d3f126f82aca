"""Issue 14's smaller text defects: Django's "---------" in every select, the calendar's day
button reading 日期 (the reports' date column), and the next contact showing an invented 00:00."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from saas_core.activities import services as activity_services
from saas_core.customers import services
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def speaking(tenant, user, language: str) -> None:
    with in_tenant(tenant):
        type(user).objects.filter(pk=user.pk).update(language=language)


@pytest.mark.parametrize("language, empty", [("zh-hans", "请选择"), ("en", "(not set)")])
@pytest.mark.parametrize("url", ["/customers/new/", "/activities/tasks/new/", "/accounts/users/new/"])
def test_selects_name_their_empty_choice(client_for, tenant_a, boss_a, language, empty, url):
    speaking(tenant_a, boss_a, language)
    html = client_for(tenant_a, boss_a).get(url).content.decode()
    assert "---------" not in html, url
    assert f'<option value="" selected>{empty}</option>' in html or f'<option value="">{empty}</option>' in html, url


@pytest.mark.parametrize("language, label", [("zh-hans", "日"), ("en", "Day")])
def test_the_calendar_day_button_says_day(client_for, tenant_a, boss_a, language, label):
    speaking(tenant_a, boss_a, language)
    html = client_for(tenant_a, boss_a).get("/activities/calendar/").content.decode()
    [button] = re.findall(r'data-calendar-view="day">([^<]+)<', html)
    assert button == label


def test_the_next_contact_shows_the_day_only_when_only_a_day_was_set(client_for, tenant_a, boss_a):
    with in_tenant(tenant_a):
        customer = services.create_customer(by=boss_a, name="下次联系测试有限公司", confirm_duplicates=True)
        day = timezone.localdate() + timedelta(days=3)
        activity_services.save_followup(None, by=boss_a, customer=customer, subject="电话", next_on=day)
    html = client_for(tenant_a, boss_a).get(f"/customers/{customer.pk}/").content.decode()
    [shown] = re.findall(r"Next contact</dt>\s*<dd[^>]*>([^<]*)</dd>", html)
    assert shown == day.isoformat()
