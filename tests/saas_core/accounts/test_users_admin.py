"""The Boss manages users (ACC-01); everyone manages their own settings and password (ACC-02)."""

import re

import pytest

from saas_core.accounts.models import User
from tests.conftest import PASSWORD, in_tenant

pytestmark = pytest.mark.django_db

NEW_USER = {
    "username": "zhangsan", "name": "张三", "email": "zs@example.com", "mobile": "13800138000",
    "role": "sales", "language": "zh-hans", "time_zone": "Asia/Shanghai", "password": "Sun-Rise-2031",
}


def test_boss_creates_a_user_who_can_then_sign_in(client_for, tenant_a, boss_a):
    boss = client_for(tenant_a, boss_a)
    response = boss.post("/accounts/users/new/", NEW_USER)
    assert response.status_code == 302
    listing = boss.get("/accounts/users/", {"q": "张三"}).content.decode()
    assert "zhangsan" in listing and "13800138000" in listing
    with in_tenant(tenant_a):
        user = User.objects.get(username="zhangsan")
    assert user.password.startswith("argon2$") and user.role == "sales"
    login = client_for(tenant_a).post("/accounts/login/", {"username": "zhangsan", "password": "Sun-Rise-2031"})
    assert login.status_code == 302


def test_weak_password_and_duplicate_name_are_refused_with_reasons(client_for, tenant_a, boss_a, make_user):
    make_user(tenant_a, username="zhangsan")
    boss = client_for(tenant_a, boss_a)
    response = boss.post("/accounts/users/new/", {**NEW_USER, "password": "12345678"})
    errors = response.context["form"].errors
    assert "already" in errors["username"][0]
    assert any("common" in e or "numeric" in e for e in errors["password"])


def test_boss_edits_disables_and_enables_a_user(client_for, tenant_a, boss_a, make_user):
    user = make_user(tenant_a, username="li", role="sales")
    boss = client_for(tenant_a, boss_a)
    data = {"username": "li", "name": "李四", "email": "li@example.com", "mobile": "", "role": "manager",
            "language": "en", "time_zone": "Asia/Shanghai", "is_active": "on"}
    assert boss.post(f"/accounts/users/{user.pk}/", data).status_code == 302
    boss.post(f"/accounts/users/{user.pk}/toggle-active/")
    with in_tenant(tenant_a):
        user.refresh_from_db()
    assert user.role == "manager" and user.name == "李四" and not user.is_active
    assert "disabled" in client_for(tenant_a).post("/accounts/login/", {"username": "li", "password": PASSWORD}).content.decode()
    boss.post(f"/accounts/users/{user.pk}/toggle-active/")
    with in_tenant(tenant_a):
        user.refresh_from_db()
    assert user.is_active


def test_delete_asks_first_then_removes_login(client_for, tenant_a, boss_a, make_user):
    user = make_user(tenant_a, username="li")
    boss = client_for(tenant_a, boss_a)
    confirm = boss.get(f"/accounts/users/{user.pk}/delete/")
    assert confirm.status_code == 200 and "Delete" in confirm.content.decode()
    with in_tenant(tenant_a):
        assert User.objects.filter(pk=user.pk).exists()
    boss.post(f"/accounts/users/{user.pk}/delete/")
    with in_tenant(tenant_a):
        assert not User.objects.filter(pk=user.pk).exists()
        assert User.all_objects.get(pk=user.pk).deleted_at is not None
    assert "li" not in re.findall(r'data-username="([^"]+)"', boss.get("/accounts/users/").content.decode())
    # The name stays reserved so the deleted user's history is unambiguous.
    assert "deleted user" in boss.post("/accounts/users/new/", {**NEW_USER, "username": "li"}).context["form"].errors["username"][0]


def test_the_last_boss_cannot_be_removed_or_demoted(client_for, tenant_a, boss_a):
    boss = client_for(tenant_a, boss_a)
    boss.post(f"/accounts/users/{boss_a.pk}/toggle-active/", follow=True)
    with in_tenant(tenant_a):
        boss_a.refresh_from_db()
    assert boss_a.is_active
    response = boss.post(f"/accounts/users/{boss_a.pk}/", {
        "username": boss_a.username, "name": "x", "email": boss_a.email, "role": "sales", "language": "en",
        "time_zone": "", "is_active": "on",
    })
    assert "at least one active Boss" in response.content.decode()


def test_boss_resets_a_password_and_lifts_the_lock(client_for, tenant_a, boss_a, make_user):
    user = make_user(tenant_a, username="li")
    client = client_for(tenant_a)
    for _ in range(5):
        client.post("/accounts/login/", {"username": "li", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "li", "password": PASSWORD}).status_code == 429
    client_for(tenant_a, boss_a).post(f"/accounts/users/{user.pk}/password/", {"password": "Blue-Ocean-4411"})
    assert client.post("/accounts/login/", {"username": "li", "password": "Blue-Ocean-4411"}).status_code == 302


@pytest.mark.parametrize("url", ["/accounts/users/", "/accounts/users/new/", "/accounts/login-log/"])
def test_non_boss_gets_403_with_a_message_and_no_menu_entry(client_for, tenant_a, make_user, url):
    sales = client_for(tenant_a, make_user(tenant_a, role="sales"))
    response = sales.get(url)
    assert response.status_code == 403
    assert "Only the Boss" in response.content.decode()
    workbench = sales.get("/workbench/").content.decode()
    assert 'data-menu="users"' not in workbench and 'data-menu="login_log"' not in workbench
    assert 'data-menu="settings"' in workbench


def test_boss_of_a_cannot_reach_users_of_b(client_for, tenant_a, tenant_b, boss_a, make_user):
    victim = make_user(tenant_b, username="victim")
    boss = client_for(tenant_a, boss_a)
    assert boss.get(f"/accounts/users/{victim.pk}/").status_code in (302, 404)
    boss.post(f"/accounts/users/{victim.pk}/toggle-active/")
    boss.post(f"/accounts/users/{victim.pk}/password/", {"password": "Blue-Ocean-4411"})
    with in_tenant(tenant_b):
        victim.refresh_from_db()
    assert victim.is_active and victim.check_password(PASSWORD)


def test_user_changes_own_password(client_for, tenant_a, make_user):
    user = make_user(tenant_a, username="li")
    client = client_for(tenant_a, user)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Green-Tea-8080", "new_password2": "Green-Tea-8080",
    })
    assert response.status_code == 302
    assert client_for(tenant_a).post("/accounts/login/", {"username": "li", "password": "Green-Tea-8080"}).status_code == 302


def test_user_sets_language_and_time_zone(client_for, tenant_a, make_user):
    user = make_user(tenant_a, username="li", language="en")
    client = client_for(tenant_a, user)
    client.post("/accounts/settings/", {
        "name": "Li", "email": "li@example.com", "mobile": "", "signature": "", "language": "zh-hans",
        "time_zone": "Europe/Berlin", "menu_mode": "advanced",
    })
    with in_tenant(tenant_a):
        user.refresh_from_db()
    assert (user.language, user.time_zone, user.menu_mode) == ("zh-hans", "Europe/Berlin", "advanced")
    page = client.get("/workbench/")
    assert page.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in page.content.decode()


def test_language_switch_is_remembered_for_the_user(client_for, tenant_a, make_user):
    user = make_user(tenant_a, username="li", language="en")
    client = client_for(tenant_a, user)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/workbench/"})
    assert response["Location"] == "/workbench/"
    with in_tenant(tenant_a):
        user.refresh_from_db()
    assert user.language == "zh-hans"
    # An open redirect is not possible through the switch.
    assert client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})["Location"] == "/"


def test_password_reset_by_email_over_real_smtp(client_for, tenant_a, make_user, mailbox):
    make_user(tenant_a, username="li", email="li@alpha.example.com")
    client = client_for(tenant_a)
    assert client.post("/accounts/password-reset/", {"email": "li@alpha.example.com"}).status_code == 302
    assert len(mailbox) == 1
    body = mailbox[0].get_content()
    link = re.search(r"https?://(\S+?)(/accounts/password-reset/\S+/\S+/)", body)
    assert link and link.group(1) == tenant_a.host  # the link points at the company's own host
    form = client.get(link.group(2), follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Night-Sky-5150", "new_password2": "Night-Sky-5150"})
    assert done.status_code == 302
    assert client_for(tenant_a).post("/accounts/login/", {"username": "li", "password": "Night-Sky-5150"}).status_code == 302


def test_password_reset_of_tenant_b_address_sends_nothing_from_a(client_for, tenant_a, tenant_b, make_user, mailbox):
    make_user(tenant_b, username="li", email="li@beta.example.com")
    client_for(tenant_a).post("/accounts/password-reset/", {"email": "li@beta.example.com"})
    assert mailbox == []
