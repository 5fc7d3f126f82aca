from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.forms import DepartmentChoiceField, UserChoiceField
from saas_core.accounts.models import Role, User
from saas_core.org import permissions as registry
from saas_core.org.models import MAX_DEPTH, DataScope, Department
from saas_core.org.services import department_choices


def _leader_field() -> UserChoiceField:
    return UserChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("name", "username"), required=False,
        label=_("Leader"), empty_label=_("(no leader)"),
    )


def _parent_field(exclude: Department | None = None) -> DepartmentChoiceField:
    field = DepartmentChoiceField(label=_("Parent department"),
                                  help_text=_("Departments can be at most %(max)d levels deep.") % {"max": MAX_DEPTH})
    parents = department_choices(exclude=exclude, max_depth=MAX_DEPTH - 1)  # a level-4 department has no children
    field.choices = [("", _("(top level)")), *((d.pk, label) for d, label in parents)]
    return field


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = forms.Field(required=False)  # replaced in __init__
    order = forms.IntegerField(label=_("Order"), min_value=0, required=False, initial=0,
                               help_text=_("Smaller numbers come first among siblings."))
    leader = forms.Field(required=False)

    def __init__(self, *args, department: Department | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _parent_field(exclude=department)
        self.fields["leader"] = _leader_field()
        if department is not None:
            # Moving has its own page; the edit form renames, reorders and sets the leader.
            del self.fields["parent"]


class MoveForm(forms.Form):
    parent = forms.Field(required=False)

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _parent_field(exclude=department)
        self.fields["parent"].label = _("New parent department")


class RoleForm(forms.Form):
    """The matrix of one role: scope, modules × actions, special rights, customer sections."""

    data_scope = forms.ChoiceField(label=_("Data scope"), choices=DataScope.choices, widget=forms.RadioSelect)
    chosen_departments = forms.ModelMultipleChoiceField(
        label=_("Chosen departments"), queryset=Department.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For the scope “Chosen departments”: their records and those of their sub-departments."),
    )
    customer_sections = forms.MultipleChoiceField(
        label=_("Customer sections this role may see"), required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.fields["chosen_departments"].choices = [(d.pk, label) for d, label in department_choices()]
        self.fields["customer_sections"].choices = [(s.key, s.label) for s in registry.customer_sections()]
        if role != Role.CUSTOMER_SERVICE:
            del self.fields["customer_sections"]
        if role == Role.SYSTEM_MAINTAINER:
            self.fields["data_scope"].choices = [(DataScope.NONE, DataScope.NONE.label)]
        for module in registry.modules():
            for action in registry.ACTIONS:
                self.fields[self.perm_name(module.key, action)] = forms.BooleanField(
                    required=False, label=f"{module.label}: {registry.ACTION_LABELS[action]}",
                    disabled=role == Role.SYSTEM_MAINTAINER and module.business,
                )
        for right in registry.rights():
            self.fields[self.right_name(right.key)] = forms.BooleanField(
                required=False, label=right.label, disabled=role == Role.SYSTEM_MAINTAINER,
            )

    @staticmethod
    def perm_name(module: str, action: str) -> str:
        return f"perm__{module}__{action}"

    @staticmethod
    def right_name(right: str) -> str:
        return f"right__{right}"

    @classmethod
    def initial_from(cls, matrix) -> dict:
        initial = {
            "data_scope": matrix.data_scope, "chosen_departments": [d.pk for d in matrix.chosen_departments],
            "customer_sections": matrix.customer_sections,
        }
        for module, actions in matrix.permissions.items():
            for action in actions:
                initial[cls.perm_name(module, action)] = True
        for right, granted in matrix.rights.items():
            initial[cls.right_name(right)] = granted
        return initial

    def matrix_rows(self):
        """(module, [bound checkbox per action]) for the template's grid."""
        return [(m, [self[self.perm_name(m.key, a)] for a in registry.ACTIONS]) for m in registry.modules()]

    def right_fields(self):
        return [self[self.right_name(r.key)] for r in registry.rights()]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "data_scope": data["data_scope"],
            "chosen_departments": list(data["chosen_departments"]),
            "permissions": {
                m.key: [a for a in registry.ACTIONS if data.get(self.perm_name(m.key, a))]
                for m in registry.modules()
                if not (self.role == Role.SYSTEM_MAINTAINER and m.business)
            },
            "rights": {} if self.role == Role.SYSTEM_MAINTAINER else {r.key: bool(data.get(self.right_name(r.key))) for r in registry.rights()},
        }
        if "customer_sections" in self.fields:
            kwargs["customer_sections"] = list(data["customer_sections"])
        return kwargs


class TransferForm(forms.Form):
    to_user = forms.Field()
    disable = forms.BooleanField(label=_("Disable this user afterwards"), required=False)

    def __init__(self, *args, from_user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"] = UserChoiceField(
            queryset=User.objects.filter(is_active=True).exclude(pk=from_user.pk).order_by("name", "username"),
            label=_("Receiving user"),
        )
