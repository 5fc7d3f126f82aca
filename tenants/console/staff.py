"""The vendor's own staff accounts (public schema)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.validators import validate_email
from django.db import transaction
from django_tenants.utils import schema_context


def create_vendor_staff(*, email: str, password: str, name: str = ""):
    """Create a vendor staff user in ``public`` (or set the password of an existing one)."""
    from django.conf import settings

    from saas_core.accounts.models import User

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
    return user, created
