"""Who may open and change the data dictionaries.

Dictionaries belong to the permission module "organisation" (saas_core.org): the Boss may do
everything; other roles what the Boss grants them there (by default Directors and Managers
may look, nobody else may change anything). Reading the values through the API is open to
every signed-in user of the company, since API clients fill business records with them.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from saas_core.accounts.models import Role
from saas_core.org.access import can

MODULE = "organisation"
VIEW, CREATE, EDIT, DELETE = "view", "create", "edit", "delete"


def may(user, action: str) -> bool:
    return can(user, MODULE, action)


def denial_message(user, action: str) -> str:
    role = Role(user.role).label if getattr(user, "role", None) in Role.values else ""
    if action == VIEW:
        return _("Your role (%(role)s) may not open the data dictionaries.") % {"role": role}
    if action == DELETE:
        return _("Your role (%(role)s) may not delete dictionary values.") % {"role": role}
    return _("Your role (%(role)s) may not change the data dictionaries.") % {"role": role}


def require(user, action: str) -> None:
    if not may(user, action):
        raise PermissionDenied(denial_message(user, action))


def dictionaries_permission(action: str):
    """Page view decorator: sign-in required, then the role's right to ``action`` on dictionaries."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, action)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


class DictionaryPermission(BasePermission):
    """API: reading for everyone signed in; POST creates, PUT/PATCH edits, DELETE deletes."""

    ACTIONS = {"POST": CREATE, "PUT": EDIT, "PATCH": EDIT, "DELETE": DELETE}

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "permission_action", None) or self.ACTIONS.get(request.method, EDIT)
        if may(user, action):
            return True
        self.message = denial_message(user, action)
        return False
