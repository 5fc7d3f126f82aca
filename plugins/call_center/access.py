"""Who may do what with calls: the role permission "Call center" (registered by ``plugin.py``)."""

from __future__ import annotations

from saas_core.org.access import can, is_boss

MODULE = "call_center"


def may_view(user) -> bool:
    return bool(user and user.is_authenticated and can(user, MODULE, "view"))


def may_dial(user) -> bool:
    return bool(user and user.is_authenticated and can(user, MODULE, "create"))


def may_configure(user) -> bool:
    """The telephony settings hold the PBX's credentials: the Boss only."""
    return bool(user and user.is_authenticated and is_boss(user))
