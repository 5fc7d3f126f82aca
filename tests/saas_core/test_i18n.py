"""The time-zone select (issue 14): common zones first with friendly labels in both languages,
then every other zone, searchable; on personal settings, the user form and company settings."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.utils import translation

from saas_core.i18n import COMMON_TIME_ZONES, TIME_ZONE_CHOICES, time_zone_choices, time_zone_words, utc_offset
from tests.conftest import in_tenant

OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


def test_offsets_follow_summer_time():
    assert utc_offset("Asia/Shanghai") == "UTC+08:00"
    assert utc_offset("Asia/Kolkata") == "UTC+05:30"
    assert utc_offset("America/New_York", datetime(2026, 1, 15, tzinfo=UTC)) == "UTC-05:00"
    assert utc_offset("America/New_York", datetime(2026, 7, 15, tzinfo=UTC)) == "UTC-04:00"


def test_common_zones_first_then_all_the_others_once():
    valid = {name for name, _label in TIME_ZONE_CHOICES}
    assert {name for name, _label in COMMON_TIME_ZONES} <= valid  # every value is one the models accept
    (common_label, common), (rest_label, rest) = time_zone_choices()
    assert [name for name, _l in common][:4] == ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei"]
    assert {n for n, _l in common} | {n for n, _l in rest} == valid
    assert not {n for n, _l in common} & {n for n, _l in rest}
    assert dict(common)["Asia/Shanghai"] == "UTC+08:00 China Standard Time (Beijing, Shanghai)"
    assert dict(rest)["America/Argentina/Buenos_Aires"].endswith("America/Argentina/Buenos Aires")


def test_labels_and_search_words_in_both_languages():
    with translation.override("zh-hans"):
        (_label, common), _rest = time_zone_choices()
        assert dict(common)["Asia/Shanghai"] == "UTC+08:00 中国标准时间（北京、上海）"
        assert dict(common)["Asia/Tokyo"] == "UTC+09:00 东京"
    words = time_zone_words("Asia/Shanghai")
    assert "Shanghai" in words and "上海" in words and "shanghai" in words.lower() and "beijing" in words
    assert "东京" in time_zone_words("Asia/Tokyo") and "Tokyo" in time_zone_words("Asia/Tokyo")


@pytest.mark.django_db
def test_personal_settings_offer_the_searchable_select(client_for, tenant_a, make_user):
    user = make_user(tenant_a, username="tz_li", language="en")
    client = client_for(tenant_a, user)
    html = client.get("/accounts/settings/").content.decode()
    select = html[html.index('name="time_zone"'):]
    select = select[:select.index("</select>")]
    assert "data-searchable" in select and "vendor/tom-select.complete.min.js" in html
    options = OPTION.findall(select)
    assert options[0] == ("", "Same as the company")
    assert options[1] == ("Asia/Shanghai", "UTC+08:00 China Standard Time (Beijing, Shanghai)")
    assert '<optgroup label="Common time zones">' in select and '<optgroup label="All time zones">' in select
    assert select.index("Asia/Hong_Kong") < select.index("Africa/Abidjan")
    saved = client.post("/accounts/settings/", {
        "name": "Li", "email": "li@example.com", "mobile": "", "signature": "", "language": "en",
        "time_zone": "Etc/UTC", "menu_mode": "advanced",
    })
    assert saved.status_code == 302
    with in_tenant(tenant_a):
        user.refresh_from_db()
    assert user.time_zone == "Etc/UTC"
    refused = client.post("/accounts/settings/", {
        "name": "Li", "email": "li@example.com", "language": "en", "time_zone": "Mars/Base", "menu_mode": "advanced",
    })
    assert refused.status_code == 200 and "Select a valid choice." in refused.content.decode()


@pytest.mark.django_db
def test_company_settings_and_user_form_in_chinese(client_for, tenant_a, boss_a):
    with in_tenant(tenant_a):
        boss_a.language = "zh-hans"
        boss_a.save(update_fields=["language"])
    client = client_for(tenant_a, boss_a, HTTP_ACCEPT_LANGUAGE="zh-hans")
    company = client.get("/company/settings/").content.decode()
    assert '<optgroup label="常用时区">' in company
    assert 'value="Asia/Shanghai" selected' in company and "UTC+08:00 中国标准时间（北京、上海）</option>" in company
    new_user = client.get("/accounts/users/new/").content.decode()
    assert '<option value="" selected>与公司相同</option>' in new_user and 'data-searchable' in new_user
