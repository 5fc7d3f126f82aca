"""The forms of the approval pages: an approver's action, the flow's settings, a route with its
conditions and steps (rows of two formsets; an untouched blank row is ignored)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import Role, User
from saas_core.approvals import flows, registry
from saas_core.org.models import Department
from web.pickers import PeoplePickerField, PersonPickerField

BLANK = [("", "—")]


def _people():
    return User.objects.filter(is_active=True).order_by("name", "username")


class ActionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    to_user = PersonPickerField(label=_("Transfer to"), queryset=User.objects.none(), required=False)
    users = PeoplePickerField(label=_("People"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = _people()
        self.fields["users"].queryset = _people()


class SettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Flow is on"), required=False)
    empty_node = forms.ChoiceField(label=_("A step with nobody to approve"), choices=flows.EMPTY_NODE)
    resubmit = forms.ChoiceField(label=_("After a reject, a resubmission starts"), choices=flows.RESUBMIT)


class RouteForm(forms.Form):
    name = forms.CharField(label=_("Route name"), max_length=100)
    priority = forms.IntegerField(label=_("Priority"), min_value=0, max_value=999, initial=1,
                                  help_text=_("Routes are tried from the lowest number; the first that matches "
                                              "is taken. A route without conditions matches every document."))


def _value_choices(document_type: registry.DocumentType) -> list:
    """The "is one of" values of every choice field, grouped by field, as ``field:value``."""
    groups = []
    for field in document_type.fields:
        if field.kind == registry.CHOICE and field.choices:
            options = [(f"{field.key}:{v}", label) for v, label in field.choices()
                       if not (field.key == "owner_role" and v == Role.SYSTEM_MAINTAINER)]
        elif field.kind == registry.DEPARTMENT:
            options = [(f"{field.key}:{d.pk}", f"{'· ' * (d.depth - 1)}{d.name}")
                       for d in Department.objects.order_by("path")]
        else:
            continue
        groups.append((str(field.label), options))
    return groups


class ConditionForm(forms.Form):
    field = forms.ChoiceField(label=_("Condition"), required=False)
    op = forms.ChoiceField(label=_("Comparison"), required=False,
                           choices=BLANK + [(k, v) for k, v in flows.OPERATORS.items()])
    value = forms.CharField(label=_("Value"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    value2 = forms.CharField(label=_("Up to"), required=False, max_length=30,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    values = forms.MultipleChoiceField(label=_("Values"), required=False,
                                       widget=forms.SelectMultiple(attrs={"size": 4}))

    def __init__(self, *args, document_type: registry.DocumentType, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = BLANK + [(f.key, f.label) for f in document_type.fields]
        self.fields["values"].choices = _value_choices(document_type)

    def as_condition(self) -> dict:
        data = self.cleaned_data
        prefix = f"{data['field']}:"
        return {"field": data["field"], "op": data["op"], "value": data["value"], "value2": data["value2"],
                "values": [v[len(prefix):] for v in data["values"] if v.startswith(prefix)]}

    @staticmethod
    def initial_of(condition: dict) -> dict:
        return {"field": condition["field"], "op": condition["op"], "value": condition.get("value", ""),
                "value2": condition.get("value2", ""),
                "values": [f"{condition['field']}:{v}" for v in condition.get("values", [])]}


class NodeForm(forms.Form):
    name = forms.CharField(label=_("Step name"), required=False, max_length=100)
    approver = forms.ChoiceField(label=_("Approved by"), required=False, choices=BLANK + flows.APPROVER_KINDS)
    mode = forms.ChoiceField(label=_("How they decide"), required=False, choices=BLANK + flows.MODES)
    users = PeoplePickerField(label=_("Named people"), queryset=User.objects.none(), required=False)
    levels = forms.IntegerField(label=_("Levels up"), required=False, min_value=1, max_value=flows.MAX_LEVELS)
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=BLANK + [c for c in Role.choices if c[0] != Role.SYSTEM_MAINTAINER])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = _people()

    def as_node(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "approver": data["approver"], "mode": data["mode"] or flows.ANY,
                "users": [u.pk for u in data["users"] or ()], "levels": data["levels"] or 1, "role": data["role"]}

    @staticmethod
    def initial_of(node: dict) -> dict:
        return {"name": node["name"], "approver": node["approver"], "mode": node["mode"],
                "users": node.get("users", []), "levels": node.get("levels"), "role": node.get("role", "")}


ConditionFormSet = forms.formset_factory(ConditionForm, extra=1, can_delete=True, max_num=20)
NodeFormSet = forms.formset_factory(NodeForm, extra=2, can_delete=True, max_num=flows.MAX_NODES)


def kept(formset) -> list:
    """The rows that say something and are not ticked for removal, in their order."""
    return [f for f in formset.forms if f.has_changed() and not (formset.can_delete and f.cleaned_data.get("DELETE"))]
