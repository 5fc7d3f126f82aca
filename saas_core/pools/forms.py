from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.forms import UserChoiceField
from saas_core.accounts.models import User
from saas_core.dictionaries.fields import DictionaryChoiceField
from saas_core.dictionaries.models import DictionaryItem, DictionaryType
from saas_core.org.models import Department
from saas_core.org.services import department_choices
from saas_core.pools.models import LEVEL_TYPES, Pool, ReclaimRule
from web.pickers import PeoplePickerField


class PoolForm(forms.ModelForm):
    member_users = PeoplePickerField(label=_("Member users"), required=False, queryset=User.objects.none())
    member_departments = forms.ModelMultipleChoiceField(
        label=_("Member departments"), required=False, queryset=Department.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone in these departments and their sub-departments is a member. "
                    "A pool without any members is open to everyone."),
    )
    admins = PeoplePickerField(
        label=_("Admins"), required=False, queryset=User.objects.none(),
        help_text=_("Admins may assign the pool's customers to members. The Boss is an admin of every pool."),
    )

    class Meta:
        model = Pool
        fields = ["name", "description", "is_default", "member_users", "member_departments", "admins",
                  "daily_claim_limit", "reclaim_wait_days", "holding_cap", "warn_days_ahead"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.objects.order_by("-is_active", "name", "username")
        self.fields["member_users"].queryset = users
        self.fields["admins"].queryset = users
        self.fields["member_departments"].choices = [(d.pk, label) for d, label in department_choices()]

    def _get_validation_exclusions(self):
        # pools.services checks the unique name with a clear message and unsets the old default
        # pool, so the model's constraints on these two fields are not checked here.
        return super()._get_validation_exclusions() | {"name", "is_default"}


class RuleForm(forms.Form):
    level = forms.ChoiceField(label=_("Customer level"), required=False)
    kind = forms.ChoiceField(label=_("Condition"), choices=ReclaimRule.Kind.choices)
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=3650)
    is_active = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, keep: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        groups: list = [("", _("Any customer"))]
        for dtype in DictionaryType.objects.filter(key__in=list(LEVEL_TYPES)).order_by("order", "pk"):
            items = dtype.items.order_by("order", "pk")
            options = [(item.pk, item.label) for item in items if item.is_active or item.pk == keep]
            if options:
                groups.append((dtype.name, options))
        self.fields["level"].choices = groups


class ReleaseForm(forms.Form):
    pool = forms.ModelChoiceField(label=_("Pool"), queryset=Pool.objects.none(), empty_label=None)
    reason = DictionaryChoiceField(
        label=_("Reason"), type_key="release_reason",
        queryset=DictionaryItem.objects.filter(type__key="release_reason", is_active=True),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, pools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pools is not None:
            self.fields["pool"].queryset = pools


class AssignForm(forms.Form):
    customer = forms.IntegerField(widget=forms.HiddenInput)
    user = UserChoiceField(label=_("Assign to"), queryset=User.objects.none(), empty_label=_("(choose a member)"))

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["user"].queryset = users


class DepartedForm(forms.Form):
    user = UserChoiceField(label=_("Departed user"), queryset=User.objects.none(),
                           help_text=_("All customers this user owns go to the pool, including those in the recycle bin."))
    pool = forms.ModelChoiceField(label=_("Pool"), queryset=Pool.objects.all(), empty_label=None)
    reason = DictionaryChoiceField(
        label=_("Reason"), type_key="release_reason", required=False,
        queryset=DictionaryItem.objects.filter(type__key="release_reason", is_active=True),
        help_text=_("“Owner left the company” when left empty."),
    )
    disable = forms.BooleanField(label=_("Also disable this user"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.order_by("-is_active", "name", "username")


class DeletePoolForm(forms.Form):
    move_to = forms.ModelChoiceField(label=_("Move its customers to"), queryset=Pool.objects.none(), required=False)

    def __init__(self, *args, pool: Pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move_to"].queryset = Pool.objects.exclude(pk=pool.pk)
