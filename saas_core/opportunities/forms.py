"""Forms of the opportunity pages; the rules (stage of the type, lost reason, precision) are the services'."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import User
from saas_core.customers.models import Contact, Customer
from saas_core.dictionaries.fields import DictionaryFormMixin
from saas_core.dictionaries.models import DictionaryItem
from saas_core.opportunities.models import Opportunity, OpportunityType, Stage
from saas_core.org.scope import visible, visible_user_ids
from web.pickers import CustomerPickerField, PersonPickerField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StageSelect(forms.Select):
    """Options carry their type (``data-type``): the form's script offers only the chosen type's stages."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-type"] = instance.type_id
        return option


class StageChoiceField(forms.ModelChoiceField):
    """Every stage, labelled with its type, so a wrong pairing reaches the service and gets its message."""

    widget = StageSelect

    def label_from_instance(self, obj: Stage) -> str:
        return f"{obj.type.label} · {obj.label} ({obj.probability}%)"


def stage_field(**kwargs) -> StageChoiceField:
    return StageChoiceField(
        label=_("Stage"), queryset=Stage.objects.select_related("type").order_by("type__position", "type_id", "position"),
        **kwargs)


def lost_reason_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Lost reason"), required=False,
        queryset=DictionaryItem.objects.filter(type__key="lost_reason", is_active=True).order_by("order", "id"),
        help_text=_("Needed when the stage is a lost one."))


class OpportunityForm(DictionaryFormMixin, forms.ModelForm):
    customer = CustomerPickerField(label=_("Customer"), error_messages={
        "required": _("Choose the customer."),
        "invalid_choice": _("Choose a customer you can see: search by name, pinyin, number or phone."),
    })
    stage = stage_field(required=False, help_text=_("Empty: the type's first stage."))
    lost_reason = lost_reason_field()
    owner = PersonPickerField(label=_("Owner"), queryset=User.objects.none())

    class Meta:
        model = Opportunity
        fields = ("subject", "customer", "contacts", "type", "stage", "found_on", "source", "owner",
                  "expected_sign_on", "expected_amount", "probability", "stage_note", "lost_reason",
                  "requirements", "solutions", "competitors")
        widgets = {
            "found_on": DATE, "expected_sign_on": DATE, "contacts": forms.CheckboxSelectMultiple,
            "requirements": forms.Textarea(attrs={"rows": 3}), "solutions": forms.Textarea(attrs={"rows": 3}),
            "competitors": forms.Textarea(attrs={"rows": 2}),
            "expected_amount": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        }

    def __init__(self, *args, user: User, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["type"].queryset = OpportunityType.objects.filter(is_active=True)
        self.fields["found_on"].required = False
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("found_on", timezone.localdate().isoformat())
        self.fields["probability"].required = False
        self.fields["probability"].help_text = _("Empty: the stage's default.")
        if not self.instance.pk and not self.is_bound:
            # Not the model's 0: an untouched field must mean "the stage's default", as its help says.
            self.initial["probability"] = None
        ids = visible_user_ids(user)
        people = User.objects.filter(is_active=True).order_by("name", "username")
        self.fields["owner"].queryset = people if ids is None else people.filter(pk__in=sorted(ids))
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("owner", user.pk)
        self.fields["customer"].queryset = visible(Customer.objects.all(), user)
        if customer is not None:
            self.initial["customer"] = customer.pk
        chosen = customer or (self.instance.customer if self.instance.customer_id else None)
        if self.is_bound and str(self.data.get("customer", "")).isdigit():
            chosen = self.fields["customer"].queryset.filter(pk=self.data["customer"]).first() or chosen
        self.fields["contacts"].queryset = self.contacts_of(chosen) if chosen else Contact.objects.none()
        if chosen is None:
            self.fields["contacts"].help_text = _("Choose the customer first; its contacts then appear here.")
        if self.instance.pk:
            # The stage moves through the detail page and the board (one history); not here.
            del self.fields["stage"]
            del self.fields["lost_reason"]

    @staticmethod
    def contacts_of(customer: Customer):
        """The contacts offered for ``customer`` (the form's choices, and what its script loads on a change)."""
        return customer.contacts.order_by("-is_primary", "id")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("probability", "found_on"):
            if data.get(name) is None:
                data.pop(name, None)
        if data.get("stage") is None:
            data.pop("stage", None)
        return data


class StageChangeForm(forms.Form):
    stage = stage_field()
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    lost_reason = lost_reason_field()

    def __init__(self, *args, opportunity: Opportunity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if opportunity is not None:
            self.fields["stage"].queryset = Stage.objects.filter(type_id=opportunity.type_id).select_related("type") \
                .order_by("position", "id")
            self.fields["stage"].label_from_instance = lambda s: f"{s.label} ({s.probability}%)"
            self.initial.setdefault("stage", opportunity.stage_id)


class TypeForm(forms.ModelForm):
    class Meta:
        model = OpportunityType
        fields = ("name_zh", "name_en", "is_active")


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ("name_zh", "name_en", "probability", "outcome")
