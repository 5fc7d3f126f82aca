"""The vendor's own staff accounts (public schema)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context


def create_vendor_staff(*, email: str, password: str, name: str = ""):
    """Create a vendor staff user in ``public`` (or set the password of an existing one: the CLI
    ``manage.py create_vendor_staff`` is how the first one is made and a lost password reset)."""
    from saas_core.accounts.models import User
    from saas_core.accounts.services import revoke_sign_ins

    email = email.strip().lower()
    validate_email(email)
    with schema_context(settings.PUBLIC_SCHEMA_NAME), transaction.atomic():
        user = User.all_objects.filter(username=email).first()
        created = user is None
        user = user or User(username=email, email=email, name=name or email)
        validate_password(password, user)
        user.is_staff = True
        user.is_active = True
        if name:
            user.name = name
        user.set_password(password)
        user.save()
        if not created:  # a reset: whoever had the old password is signed out
            revoke_sign_ins(user)
    return user, created


def staff() -> QuerySet:
    """The vendor's staff, active first (public schema)."""
    from saas_core.accounts.models import User

    return User.all_objects.filter(is_staff=True).order_by("-is_active", "email")


def add_vendor_staff(*, email: str, password: str, name: str = "") -> object:
    """A staff member adds a colleague from the console; an address in use is refused."""
    email = (email or "").strip().lower()
    if staff().filter(username=email).exists():
        raise ValidationError({"email": [_("%(email)s is a staff member already.") % {"email": email}]})
    try:
        user, _created = create_vendor_staff(email=email, password=password, name=name)
    except ValidationError as exc:
        field = "email" if getattr(exc, "code", "") == "invalid" else "password"
        raise ValidationError({field: exc.messages}) from None
    return user


@transaction.atomic
def set_active(member, active: bool, *, by) -> None:
    """Deactivate (sessions and API tokens end at once) or reactivate a staff member; nobody
    deactivates themselves, so the console always keeps one."""
    from saas_core.accounts.services import revoke_sign_ins

    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        locked = staff().select_for_update().get(pk=member.pk)
        if not active and locked.pk == by.pk:
            raise ValidationError(_("You cannot deactivate yourself; ask another staff member."))
        type(locked).all_objects.filter(pk=locked.pk).update(is_active=active)
        if not active:
            revoke_sign_ins(locked)
