"""Filtered, sorted lists shared by the web pages and the API."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from saas_core.accounts.models import LoginAttempt, User

USER_SORTS = {"username", "name", "role", "email", "last_login", "date_joined", "is_active", "department__name"}
LOGIN_LOG_SORTS = {"at", "username", "ip", "reason", "role"}


def sort_key(value: str | None, allowed: set[str], default: str) -> str:
    if value and value.lstrip("-") in allowed:
        return value
    return default


def users(*, q: str = "", role: str = "", status: str = "", department=None, sort: str | None = None) -> QuerySet[User]:
    """``department`` (a Department or its id) lists its users and those of its sub-departments."""
    qs = User.objects.select_related("department", "superior")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(name__icontains=q) | Q(email__icontains=q) | Q(mobile__icontains=q))
    if role:
        qs = qs.filter(role=role)
    if department:
        from saas_core.org.scope import department_subtree_q

        qs = qs.filter(department_subtree_q([getattr(department, "pk", department)], prefix="department"))
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "disabled":
        qs = qs.filter(is_active=False)
    return qs.order_by(sort_key(sort, USER_SORTS, "username"), "pk")


def login_log(*, q: str = "", result: str = "", reason: str = "", date_from=None, date_to=None, sort: str | None = None) -> QuerySet[LoginAttempt]:
    qs = LoginAttempt.objects.select_related("user")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(user__name__icontains=q))
    if result == "ok":
        qs = qs.filter(success=True)
    elif result == "fail":
        qs = qs.filter(success=False)
    if reason:
        qs = qs.filter(reason=reason)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs.order_by(sort_key(sort, LOGIN_LOG_SORTS, "-at"), "-pk")
