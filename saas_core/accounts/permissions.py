from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission


def boss_required(view):
    """Only the company's Boss may open the page; others get a 403 that says so."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_boss:
            raise PermissionDenied(_("Only the Boss may manage users and read the login log."))
        return view(request, *args, **kwargs)

    return wrapped


class IsBoss(BasePermission):
    message = gettext_lazy("Only the Boss may manage users and read the login log.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_boss)
