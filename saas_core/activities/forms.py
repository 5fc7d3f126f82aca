"""Forms of the activities pages; the business rules stay in the services modules."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.activities.models import CareRecord, DailyReport, FollowUp, Task
from saas_core.activities.services import WINDOWS
from saas_core.customers.models import Customer
from saas_core.dictionaries.fields import DictionaryFormMixin
from saas_core.org.scope import visible
from web.pickers import CustomerPickerField, PeoplePickerField, PersonPickerField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def customer_field(**kwargs) -> CustomerPickerField:
    return CustomerPickerField(label=_("Customer"), error_messages={
        "required": _("Choose the customer."),
        "invalid_choice": _("Choose a customer you can see: search by name, pinyin, number or phone."),
    }, **kwargs)


class CustomerPickMixin:
    """The customer: picked among those the user's data scope shows (a million customers fit no
    select, so it is the search-as-you-type picker); fixed when the form is opened from the customer."""

    def _setup_customer(self, user: User, customer: Customer | None) -> None:
        self.user, self.customer = user, customer
        self._setup_opportunity(user, customer)
        if customer is not None:
            del self.fields["customer"]
            if "contact" in self.fields:
                self.fields["contact"].queryset = customer.contacts.all()
            return
        self.fields["customer"].queryset = visible(Customer.objects.all(), user)
        instance_customer = self.instance.customer if getattr(self.instance, "customer_id", None) else None
        if instance_customer is not None and not self.is_bound:
            self.initial["customer"] = instance_customer.pk
        if "contact" in self.fields:
            if instance_customer is not None:
                self.fields["contact"].queryset = instance_customer.contacts.all()
            else:
                del self.fields["contact"]

    def _setup_opportunity(self, user: User, customer: Customer | None) -> None:
        """ACT-02: the opportunity is one of the chosen customer's (that the user sees); the script
        reloads the choices when another customer is picked (``opportunities:pick``)."""
        field = self.fields.get("opportunity")
        if field is None:
            return
        chosen = customer
        if chosen is None and self.is_bound and str(self.data.get("customer", "")).isdigit():
            chosen = visible(Customer.objects.all(), user).filter(pk=self.data["customer"]).first()
        if chosen is None and getattr(self.instance, "customer_id", None):
            chosen = self.instance.customer
        model = field.queryset.model
        field.queryset = visible(model.objects.filter(customer=chosen), user) if chosen else model.objects.none()
        field.help_text = _("Optional: one of the customer's opportunities.")
        field.widget.attrs.update({"data-opportunity-picker": reverse_lazy("opportunities:pick")})

    def clean_customer(self):
        self.customer = self.cleaned_data.get("customer")
        return self.customer

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("assignees", None)
        data["customer"] = self.customer
        return data


class FollowUpForm(CustomerPickMixin, DictionaryFormMixin, forms.ModelForm):
    customer = customer_field()

    class Meta:
        model = FollowUp
        fields = ("kind", "contact", "opportunity", "subject", "content", "happened_at", "result", "next_on")
        widgets = {"content": forms.Textarea(attrs={"rows": 3}), "happened_at": DATETIME, "next_on": DATE}

    def __init__(self, *args, user: User, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_customer(user, customer)
        self.order_fields(["customer"])
        if not self.instance.pk and not self.is_bound:
            self.initial["happened_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
            if customer is not None and "contact" not in self.initial:
                # The one the follow-up is most likely with: the primary contact, or the only one.
                contacts = list(customer.contacts.order_by("-is_primary", "pk")[:2])
                if contacts and (contacts[0].is_primary or len(contacts) == 1):
                    self.initial["contact"] = contacts[0].pk


class TaskForm(CustomerPickMixin, DictionaryFormMixin, forms.ModelForm):
    customer = customer_field(required=False, help_text=_("Optional."))
    assignees = PeoplePickerField(label=_("Assignees"), queryset=User.objects.none(), required=False,
                                  help_text=_("Leave empty to do it yourself."))

    class Meta:
        model = Task
        fields = ("kind", "title", "opportunity", "schedule_type", "priority", "starts_at", "ends_at", "all_day",
                  "remind_at", "description")
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "remind_at": DATETIME,
                   "description": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}

    def __init__(self, *args, user: User, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_customer(user, customer)
        self.fields["assignees"].queryset = User.objects.filter(is_active=True).order_by("name", "username")
        if self.instance.pk and not self.is_bound:
            self.initial["assignees"] = [a.user_id for a in self.instance.assignments.filter(active=True)]


class HandOverForm(forms.Form):
    to = PersonPickerField(label=_("Hand over to"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = User.objects.filter(is_active=True).exclude(pk=user.pk).order_by("name", "username")


class FollowUpFilterForm(forms.Form):
    VIEWS = [("", _("All")), ("followed_today", _("Followed today")), ("followed_week", _("Followed this week")),
             ("followed_month", _("Followed this month")), ("due_today", _("Due today")),
             ("due_week", _("Due this week")), ("overdue", _("Overdue"))]
    view = forms.ChoiceField(label=_("Show"), choices=VIEWS, required=False)
    start = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=DATE)
    end = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DATE)
    field = forms.ChoiceField(label=_("Dates of"), required=False,
                              choices=[("happened", _("the follow-up")), ("next", _("the next follow-up"))])
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the window must not be before its start."))
        return data


assert {v for v, _label in FollowUpFilterForm.VIEWS if v} == set(WINDOWS)


class ReportForm(forms.ModelForm):
    class Meta:
        model = DailyReport
        fields = ("summary", "plan")
        widgets = {"summary": forms.Textarea(attrs={"rows": 5}), "plan": forms.Textarea(attrs={"rows": 4})}


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class CareRecordForm(CustomerPickMixin, DictionaryFormMixin, forms.ModelForm):
    customer = customer_field()

    class Meta:
        model = CareRecord
        fields = ("kind", "contact", "subject", "content", "day")
        widgets = {"content": forms.Textarea(attrs={"rows": 3}), "day": DATE}

    def __init__(self, *args, user: User, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_customer(user, customer)
        self.order_fields(["customer"])
        if not self.instance.pk and not self.is_bound:
            self.initial["day"] = timezone.localdate().isoformat()
