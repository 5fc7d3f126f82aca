"""The company's system settings (SYS-01); the page and the API call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from saas_core import request_memo
from saas_core.org.access import require_boss
from saas_core.system.models import SystemSettings

FIELDS = ("price_places", "quantity_places")
MAX_PLACES = 6


def current() -> SystemSettings:
    """The settings row (the defaults, unsaved, when the Boss never changed them)."""
    return SystemSettings.objects.filter(pk=1).first() or SystemSettings(pk=1)


@transaction.atomic
def update_settings(*, by, **fields) -> SystemSettings:
    """Change the precision; only the Boss may. Existing amounts keep their stored value and are shown
    at the new precision from the next page on."""
    require_boss(by, _("Only the Boss may change the system settings."))
    SystemSettings.objects.get_or_create(pk=1)
    settings = SystemSettings.objects.select_for_update().get(pk=1)
    errors: dict[str, list[str]] = {}
    for name in FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        try:
            value = int(value)
        except (TypeError, ValueError):
            errors[name] = [_("Enter a whole number from 0 to %(max)d.") % {"max": MAX_PLACES}]
            continue
        if not 0 <= value <= MAX_PLACES:
            errors[name] = [_("Enter a whole number from 0 to %(max)d.") % {"max": MAX_PLACES}]
            continue
        setattr(settings, name, value)
    if errors:
        raise ValidationError(errors)
    settings.save()
    memo = request_memo.current()
    if memo is not None:
        memo.pop("money.places", None)  # this request reads the new precision too
    return settings
