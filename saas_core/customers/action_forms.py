"""Forms of the share, transfer and merge pages (CUS-05, CUS-09); the rules stay in sharing.py / merge.py."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import User
from saas_core.customers.models import CustomerShare
from saas_core.org.access import can
from web.pickers import PeoplePickerField, PersonPickerField

DATE = forms.DateInput(attrs={"type": "date"})


def colleagues(*, exclude=()) -> list[User]:
    """Enabled users who may view customers (those a customer can be shared with or given to)."""
    skip = {getattr(u, "pk", u) for u in exclude if u is not None}
    users = User.objects.filter(is_active=True).exclude(pk__in=skip).order_by("name", "username")
    return [u for u in users if can(u, "customers", "view")]


def shown_until(expires_at: datetime | None) -> str:
    """A share's end as its page shows it: the last day it counts when it ends at midnight (as the
    form sets it), else the date and time (set through the API)."""
    if expires_at is None:
        return ""
    local = timezone.localtime(expires_at)
    if local.time() == time.min:
        return (local - timedelta(days=1)).strftime("%Y-%m-%d")
    return local.strftime("%Y-%m-%d %H:%M")


class ShareForm(forms.Form):
    users = PeoplePickerField(
        label=_("Colleagues"), queryset=User.objects.none(),
        error_messages={"required": _("Choose at least one colleague.")},
    )
    level = forms.ChoiceField(label=_("Level"), choices=CustomerShare.Level.choices, initial=CustomerShare.Level.READ)
    expires_on = forms.DateField(
        label=_("Until (optional)"), required=False, widget=DATE,
        help_text=_("The share ends after this day; leave it empty for no end."),
    )

    def __init__(self, *args, customer, user, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [u.pk for u in colleagues(exclude=(user, customer.owner_id))]
        self.fields["users"].queryset = User.objects.filter(pk__in=ids).order_by("name", "username")

    def expires_at(self) -> datetime | None:
        """The end of the chosen day in the user's time zone (the share counts all of that day)."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())


class TransferForm(forms.Form):
    to_user = PersonPickerField(
        label=_("New owner"), queryset=User.objects.none(), empty_label=_("(choose a colleague)"),
        error_messages={"required": _("Choose the new owner.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [u.pk for u in colleagues()]
        self.fields["to_user"].queryset = User.objects.filter(pk__in=ids).order_by("name", "username")
