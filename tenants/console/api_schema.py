"""What the console API's operations take and answer, for its published OpenAPI schema
(/api/v1/console/schema/ on the public host). The views build their answers as dicts; these
serializers only describe them."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from billing.models import Plan
from tenants.models import Tenant

_MONEY = {"help_text": "Decimal amount in the currency, as a string (e.g. \"99.00\")."}


class CompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    workspace = serializers.CharField()
    status = serializers.ChoiceField(choices=Tenant.Status.choices)
    suspended = serializers.BooleanField()
    suspended_reason = serializers.CharField(allow_blank=True)
    plan = serializers.CharField(allow_null=True)
    seats = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField(allow_null=True)
    mrr = serializers.CharField(allow_null=True, **_MONEY)
    mrr_minor = serializers.CharField(help_text="Minor units, as a string.")
    last_activity_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class _Page(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class CompanyPageSerializer(_Page):
    results = CompanySerializer(many=True)
    mrr_totals = serializers.DictField(child=serializers.CharField(), help_text="Currency → total MRR.")


class MigrationStateSerializer(serializers.Serializer):
    applied = serializers.IntegerField()
    missing = serializers.IntegerField()
    extra = serializers.IntegerField()
    latest = serializers.DateTimeField(allow_null=True, help_text="When the last migration was applied.")
    missing_names = serializers.ListField(child=serializers.CharField())


class AuditEntrySerializer(serializers.Serializer):
    action = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    by = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


class CompanyDetailSerializer(CompanySerializer):
    migrations = MigrationStateSerializer(allow_null=True)
    audit = AuditEntrySerializer(many=True)


class HoldSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Required to suspend.")


HOLD_ACTION = OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["suspend", "resume"])


class RolloutRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField()
    applied = serializers.IntegerField()
    missing = serializers.IntegerField()
    extra = serializers.IntegerField()


class RolloutPageSerializer(_Page):
    results = RolloutRowSerializer(many=True)
    template_migrations = serializers.IntegerField()


ROLLOUT_BEHIND = OpenApiParameter("behind", OpenApiTypes.STR, enum=["1"], description="1: only companies behind.")


class _CatalogueInput(serializers.Serializer):
    """The console form's fields (validated by the form: its messages name the fields)."""

    name = serializers.CharField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    currency = serializers.CharField(required=False)
    sort_order = serializers.IntegerField(required=False)
    active = serializers.BooleanField(required=False, help_text="On sale.")


class PlanInputSerializer(_CatalogueInput):
    code = serializers.CharField(required=False)
    interval = serializers.ChoiceField(choices=Plan.Interval.choices, required=False)
    included_modules = serializers.ListField(child=serializers.CharField(), required=False)
    min_seats = serializers.IntegerField(required=False)
    storage_quota_mb = serializers.IntegerField(required=False)


class ModuleInputSerializer(_CatalogueInput):
    key = serializers.CharField(required=False)


class _CatalogueItemSerializer(serializers.Serializer):
    """What plans and modules share as catalogue rows."""

    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    price = serializers.CharField(allow_null=True, **_MONEY)
    currency = serializers.CharField()
    active = serializers.BooleanField()
    sort_order = serializers.IntegerField()
    stripe_plan_id = serializers.CharField(allow_blank=True, allow_null=True)


class PlanSerializer(_CatalogueItemSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    price_per_seat_minor = serializers.IntegerField()
    interval = serializers.CharField()
    min_seats = serializers.IntegerField()
    storage_quota_mb = serializers.IntegerField(allow_null=True)
    included_modules = serializers.ListField(child=serializers.CharField())


class ModuleSerializer(_CatalogueItemSerializer):
    key = serializers.CharField()
    price_minor = serializers.IntegerField()
    installed = serializers.BooleanField(help_text="Its plugin is installed here: only then can it be sold.")


class VendorSettingsSerializer(serializers.Serializer):
    trial_days = serializers.IntegerField()
    grace_days = serializers.IntegerField()
    read_only_days = serializers.IntegerField()
    retention_days = serializers.IntegerField()
