"""DictionaryForeignKey: how business models, forms and serializers point at dictionary values."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

from saas_core.dictionaries import services
from saas_core.dictionaries.fields import DictionaryChoiceField, DictionaryForeignKey, DictionaryFormMixin
from saas_core.dictionaries.models import DictionaryItem
from saas_core.dictionaries.serializers import DictionaryRelatedField
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def test_the_field_deconstructs_to_its_type_key_for_migrations():
    field = DictionaryForeignKey("industry", "industry")
    _name, path, args, kwargs = field.deconstruct()
    assert path == "saas_core.dictionaries.fields.DictionaryForeignKey"
    assert args == ["industry"] and kwargs == {"verbose_name": "industry"}
    clone = field.clone()
    assert (clone.type_key, clone.null, clone.blank, clone.remote_field.on_delete) == ("industry", True, True, models.PROTECT)
    # What the data log's event models make of it (pghistory passes these through).
    copy = DictionaryForeignKey("industry", related_name="+", on_delete=models.DO_NOTHING, db_constraint=False, null=False)
    kwargs = copy.deconstruct()[3]
    assert kwargs["related_name"] == "+" and kwargs["on_delete"] is models.DO_NOTHING and kwargs["null"] is False


def test_declared_fields_get_their_own_visible_reverse_relation(probe_model):
    industry, source = probe_model._meta.get_field("industry"), probe_model._meta.get_field("source")
    assert industry.remote_field.related_name == "dictionaries_probecustomer_industry"
    assert source.remote_field.related_name == "dictionaries_probecustomer_source"
    assert {industry, source} <= {rel.field for rel in DictionaryItem._meta.related_objects}
    assert industry.remote_field.on_delete is models.PROTECT


def test_forms_offer_the_enabled_values_of_the_list_only(tenant_a, probe_model):
    class ProbeForm(DictionaryFormMixin, forms.ModelForm):
        class Meta:
            model = probe_model
            fields = ["name", "industry", "source"]

    with in_tenant(tenant_a):
        food = services.get_item("industry", "food")
        services.set_active(services.get_item("industry", "textiles"), False)
        form = ProbeForm()
        assert isinstance(form.fields["industry"], DictionaryChoiceField)
        offered = {item.key for item in form.fields["industry"].queryset}
        assert "food" in offered and "textiles" not in offered and "website" not in offered
        assert len(offered) == 19
        labels = dict(form.fields["industry"].choices)
        assert "Food and beverages" in labels.values()

        record = probe_model.objects.create(name="老客户", industry=food)
        services.set_active(food, False)
        kept = ProbeForm(instance=record)
        assert food in kept.fields["industry"].queryset  # the record keeps its disabled value...
        assert "Food and beverages (disabled)" in dict(kept.fields["industry"].choices).values()
        resave = ProbeForm({"name": "老客户", "industry": food.pk}, instance=record)
        assert resave.is_valid(), resave.errors
        fresh = ProbeForm({"name": "新客户", "industry": food.pk})  # ...but a new record cannot pick it
        assert not fresh.is_valid() and "industry" in fresh.errors
        wrong_list = ProbeForm({"name": "x", "industry": services.get_item("customer_source", "website").pk})
        assert not wrong_list.is_valid()


def test_model_validation_keeps_a_disabled_value_but_refuses_new_ones(tenant_a, probe_model):
    with in_tenant(tenant_a):
        food, it = services.get_item("industry", "food"), services.get_item("industry", "it")
        record = probe_model.objects.create(name="老客户", industry=food)
        services.set_active(food, False)
        services.set_active(it, False)
        record.full_clean()  # unchanged disabled value: fine
        record.industry = it
        with pytest.raises(ValidationError) as caught:
            record.full_clean()
        assert "industry" in caught.value.message_dict
        with pytest.raises(ValidationError):
            probe_model(name="新", industry=food).full_clean()
        with pytest.raises(ValidationError):  # a value of another list
            probe_model(name="新", industry=services.get_item("customer_source", "website")).full_clean()


def test_serializer_field_accepts_enabled_values_and_the_current_one(tenant_a, probe_model):
    class ProbeSerializer(serializers.ModelSerializer):
        industry = DictionaryRelatedField("industry", required=False)

        class Meta:
            model = probe_model
            fields = ["name", "industry"]

    with in_tenant(tenant_a):
        food, it = services.get_item("industry", "food"), services.get_item("industry", "it")
        record = probe_model.objects.create(name="老客户", industry=food)
        services.set_active(food, False)
        assert ProbeSerializer(record, data={"name": "x", "industry": food.pk}).is_valid()
        new = ProbeSerializer(data={"name": "x", "industry": food.pk})
        assert not new.is_valid() and "has been disabled" in new.errors["industry"][0]
        other = ProbeSerializer(data={"name": "x", "industry": services.get_item("customer_source", "website").pk})
        assert not other.is_valid() and "is not a value of this list" in other.errors["industry"][0]
        assert ProbeSerializer(data={"name": "x", "industry": it.pk}).is_valid()
