"""Who may do what with e-mail marketing: the role permission "E-mail marketing" (``plugin.py``)."""

from __future__ import annotations

from saas_core.org.access import can

MODULE = "edm"


def may_view(user) -> bool:
    return bool(user and user.is_authenticated and can(user, MODULE, "view"))
