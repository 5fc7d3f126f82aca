"""Who may do what with SMS: the role permission "SMS" (registered by ``plugin.py``)."""

from __future__ import annotations

from saas_core.org.access import can

MODULE = "sms"


def may_send(user) -> bool:
    return bool(user and user.is_authenticated and can(user, MODULE, "create"))


def may_read_log(user) -> bool:
    return bool(user and user.is_authenticated and can(user, MODULE, "view"))


def may_configure(user) -> bool:
    return bool(user and user.is_authenticated and can(user, MODULE, "edit"))
