from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Module, Plan
from billing.money import decimals, to_decimal, to_minor
from tenants.models import Tenant, VendorSettings


class ModuleSwitchForm(forms.Form):
    STATES = [("on", _("On")), ("off", _("Off")), ("subscription", _("As the subscription says"))]

    state = forms.ChoiceField(label=_("State"), choices=STATES)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def enabled(self) -> bool | None:
        return {"on": True, "off": False, "subscription": None}[self.cleaned_data["state"]]


class _CatalogueForm(forms.ModelForm):
    """A plan's or module's form: the price typed in major units (198.00) and stored in the
    currency's minor units; the identifying field (it names the Stripe product) fixed once saved."""

    price_field, minor_field, locked_field = "price", "", ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if not instance._state.adding:
            self.initial.setdefault(self.price_field, to_decimal(getattr(instance, self.minor_field), instance.currency))
            self.fields[self.locked_field].disabled = True

    def clean(self):
        cleaned = super().clean()
        amount, currency = cleaned.get(self.price_field), cleaned.get("currency")
        if amount is not None and currency:
            try:
                setattr(self.instance, self.minor_field, to_minor(amount, currency))
            except ValueError:
                self.add_error(self.price_field, _("%(currency)s has %(n)d decimal places.")
                               % {"currency": currency, "n": decimals(currency)})
        return cleaned


class PlanForm(_CatalogueForm):
    minor_field, locked_field = "price_per_seat_minor", "code"
    price = forms.DecimalField(label=_("Price per seat"), min_value=Decimal(0), max_digits=12, decimal_places=2,
                               help_text=_("Per user and billing interval, e.g. 99.00."))

    class Meta:
        model = Plan
        fields = ["code", "name", "description", "price", "currency", "interval", "included_modules", "min_seats",
                  "storage_quota_mb", "sort_order"]
        widgets = {"included_modules": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["included_modules"].queryset = Module.objects.installed()  # nothing this installation lacks


class ModuleForm(_CatalogueForm):
    minor_field, locked_field = "price_minor", "key"
    price = forms.DecimalField(label=_("Monthly price"), min_value=Decimal(0), max_digits=12, decimal_places=2,
                               help_text=_("Per company and month, e.g. 300.00."))

    class Meta:
        model = Module
        fields = ["key", "name", "description", "price", "currency", "sort_order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"key": _("The installed module's key (e.g. sms); a module without one has no effect.")}


class VendorSettingsForm(forms.ModelForm):
    class Meta:
        model = VendorSettings
        fields = ["trial_days", "grace_days", "read_only_days", "retention_days"]


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Kept in the audit log."))


class ResumeForm(forms.Form):
    reason = forms.CharField(label=_("Note"), max_length=300, required=False)


class TenantFilterForm(forms.Form):
    SORTS = ["name", "created", "status", "plan", "seats", "mrr", "activity"]

    q = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", _("All states")), ("suspended", _("Suspended")),
                                                        *Tenant.Status.choices])
    plan = forms.ModelChoiceField(required=False, queryset=Plan.objects.all(), to_field_name="code",
                                  empty_label=_("All plans"))
    sort = forms.CharField(required=False)

    def clean_sort(self) -> str:
        value = self.cleaned_data.get("sort") or "-created"
        return value if value.lstrip("-") in self.SORTS else "-created"


class StaffForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("They sign in to the console with it; tell them by a safe way."))
