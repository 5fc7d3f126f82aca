from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Module, Plan


class ChoiceForm(forms.Form):
    """Plan, seats and add-on modules; billing.services checks the rules."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.filter(active=True), empty_label=None)
    seats = forms.IntegerField(label=_("Seats (users)"), min_value=1, max_value=100000)
    modules = forms.ModelMultipleChoiceField(
        label=_("Add-on modules"), queryset=Module.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, current_plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = Module.objects.for_sale()  # installed modules only, read per form
        if current_plan is not None:  # a plan taken off sale stays selectable for its subscribers
            self.fields["plan"].queryset = Plan.objects.filter(active=True) | Plan.objects.filter(pk=current_plan.pk)


class CardForm(forms.Form):
    number = forms.CharField(label=_("Card number"), max_length=23,
                             help_text=_("Test mode: 4242 4242 4242 4242 pays; 4000 0000 0000 0341 is declined."))
    exp_month = forms.IntegerField(label=_("Expiry month"), min_value=1, max_value=12)
    exp_year = forms.IntegerField(label=_("Expiry year"), min_value=2000, max_value=2100)
    cvc = forms.CharField(label=_("Security code (CVC)"), max_length=4)


class LogoForm(forms.Form):
    logo = forms.FileField(label=_("Logo"), help_text=_("PNG, JPEG, GIF or WebP, at most 1 MB."))
