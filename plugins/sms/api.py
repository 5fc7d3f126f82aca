"""The SMS API under ``/api/v1/sms/`` (a JSON 404 where the module is off): settings, templates,
opt-outs, saved filters, previews, sending (single, test, group), the log and the quota. The
same services as the pages; the log is read-only (no DELETE: 405)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from plugins.sms import queries, services
from plugins.sms.models import Provider, SmsAudience, SmsBatch, SmsMessage, SmsSettings, SmsTemplate
from saas_core.dictionaries.models import DictionaryItem
from saas_core.org.access import IsBoss, ModulePermission
from saas_core.sending.models import Suppression


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = SmsTemplate
        fields = ["id", "name", "body", "provider_code", "created_at", "updated_at"]

    def create(self, validated_data):
        return services.save_template(None, by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.save_template(instance, by=self.context["request"].user, **validated_data)


class TemplateViewSet(viewsets.ModelViewSet):
    serializer_class = TemplateSerializer
    permission_classes = [ModulePermission]
    permission_module = "sms"
    search_fields = ["name", "body"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return services.active_templates()

    def perform_destroy(self, instance):
        services.archive_template(instance, by=self.request.user)


class SettingsSerializer(serializers.ModelSerializer):
    access_key_secret = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                              help_text="Write only; empty or left out keeps the stored secret.")
    has_secret = serializers.SerializerMethodField()
    provider = serializers.ChoiceField(choices=Provider.choices, required=False)
    used_this_month = serializers.SerializerMethodField()
    reminder_template = serializers.PrimaryKeyRelatedField(
        queryset=SmsTemplate.objects.filter(is_active=True), allow_null=True, required=False,
        help_text="The template reminders are texted with (id of an active template); null for the default text.")

    class Meta:
        model = SmsSettings
        fields = ["provider", "access_key_id", "access_key_secret", "has_secret", "app_id", "region", "sender_number",
                  "endpoint", "signature", "price_per_part_minor", "currency", "monthly_quota", "remind_by_sms",
                  "reminder_template", "used_this_month", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_has_secret(self, obj) -> bool:
        return services.has_secret(obj)

    def get_used_this_month(self, obj) -> int:
        return services.quota_used()


class SettingsView(APIView):
    """``GET/PATCH /api/v1/sms/settings/``: the Boss's gateway settings (the secret is never returned)."""

    permission_classes = [IsAuthenticated, IsBoss]
    boss_message = "Only the Boss may see or change the SMS settings."

    @extend_schema(responses=SettingsSerializer)
    def get(self, request):
        return Response(SettingsSerializer(services.gateway_settings()).data)

    @extend_schema(request=SettingsSerializer, responses=SettingsSerializer)
    def patch(self, request):
        serializer = SettingsSerializer(services.gateway_settings(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        config = services.save_settings(by=request.user, **serializer.validated_data)
        return Response(SettingsSerializer(config).data)


class OptOutSerializer(serializers.ModelSerializer):
    """A number on the suppression list (channel "sms"); ``reason`` is the SMS opt-out reason's key."""

    number = serializers.CharField(source="address", max_length=30)
    reason = serializers.SlugRelatedField(source="detail", slug_field="key", read_only=True, allow_null=True)
    reason_id = serializers.IntegerField(required=False, allow_null=True, write_only=True)

    class Meta:
        model = Suppression
        fields = ["id", "number", "reason", "reason_id", "note", "created_at"]
        read_only_fields = ["created_at"]

    def create(self, validated_data):
        items = DictionaryItem.objects  # the company's data dictionary
        reason = None
        if validated_data.get("reason_id"):
            reason = items.filter(pk=validated_data["reason_id"], type__key="sms_opt_out_reason").first()
            if reason is None:
                raise serializers.ValidationError({"reason_id": ["Not an SMS opt-out reason."]})
        return services.add_opt_out(validated_data["address"], by=self.context["request"].user, reason=reason,
                                    note=validated_data.get("note", ""))


class OptOutViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                    mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The opt-out list: add (who may send), remove (who may edit SMS; the number may be texted again)."""

    serializer_class = OptOutSerializer
    permission_classes = [ModulePermission]
    permission_module = "sms"
    permission_action = {"create": "create", "destroy": "edit"}
    search_fields = ["address", "note"]
    ordering_fields = ["address", "created_at"]

    def get_queryset(self):
        return services.opt_outs()

    def perform_destroy(self, instance):
        services.remove_opt_out(instance, by=self.request.user)


class AudienceSerializer(serializers.ModelSerializer):
    # Declared, not derived from the model's defaults: a saved filter names its recipients, and
    # the service needs every field (a missing one was a TypeError, a 500).
    kind = serializers.ChoiceField(choices=SmsAudience.Kind.choices)
    filters = serializers.DictField(required=False, default=dict,
                                    help_text="A customers.queries filter dict, e.g. {\"grade\": 3}.")

    class Meta:
        model = SmsAudience
        fields = ["id", "name", "kind", "filters", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"name": {"validators": []}}

    def create(self, validated_data):
        return services.save_audience(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        data = {"name": instance.name, "kind": instance.kind, "filters": instance.filters, **validated_data}
        if data["name"] != instance.name:
            instance.delete()
        return services.save_audience(by=self.context["request"].user, **data)


class AudienceViewSet(viewsets.ModelViewSet):
    """One's own saved filters for group sends (``customers.queries`` filter dicts)."""

    serializer_class = AudienceSerializer
    queryset = SmsAudience.objects.none()  # for the schema only (typed ids); get_queryset() scopes
    permission_classes = [ModulePermission]
    permission_module = "sms"
    permission_action = {"list": "create", "retrieve": "create", "update": "create", "partial_update": "create",
                         "destroy": "create"}

    def get_queryset(self):
        return services.audiences_for(self.request.user)

    def perform_destroy(self, instance):
        services.delete_audience(instance, by=self.request.user)


class ComposeSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    template = serializers.PrimaryKeyRelatedField(queryset=SmsTemplate.objects.filter(is_active=True), required=False,
                                                  allow_null=True)
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True)


class SingleSerializer(ComposeSerializer):
    number = serializers.CharField(max_length=30)
    contact = serializers.IntegerField(required=False, allow_null=True)


class GroupSerializer(ComposeSerializer):
    kind = serializers.ChoiceField(choices=SmsAudience.Kind.choices, required=False)
    filters = serializers.DictField(required=False)
    audience = serializers.IntegerField(required=False, allow_null=True, help_text="A saved filter's id.")

    def validate(self, data):
        if data.get("audience"):
            saved = services.audiences_for(self.context["request"].user).filter(pk=data["audience"]).first()
            if saved is None:
                raise serializers.ValidationError({"audience": ["No such saved filter of yours."]})
            data.update(kind=saved.kind, filters=saved.filters, audience_name=saved.name)
        elif not data.get("kind"):
            raise serializers.ValidationError({"kind": ["Give kind (customers or contacts) or a saved filter."]})
        return data


class PreviewSerializer(serializers.Serializer):
    """What a text (or a group send) will be: its parts, encoding and cost, before it is sent."""

    text = serializers.CharField()
    encoding = serializers.ChoiceField(choices=["gsm7", "ucs2"])
    parts = serializers.ListField(child=serializers.CharField())
    part_count = serializers.IntegerField()
    per_part = serializers.IntegerField()
    length = serializers.IntegerField()
    recipients = serializers.IntegerField()
    total_parts = serializers.IntegerField()
    cost_minor = serializers.IntegerField()
    cost = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
    skipped_opt_out = serializers.IntegerField()
    skipped_no_number = serializers.IntegerField()
    skipped_duplicate = serializers.IntegerField()
    quota_left = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())


class SmsUsageSerializer(serializers.Serializer):
    used = serializers.IntegerField(help_text="Parts sent this month.")
    quota = serializers.IntegerField()
    left = serializers.IntegerField()
    price_per_part_minor = serializers.IntegerField()
    currency = serializers.CharField()


class MessageSerializer(serializers.ModelSerializer):
    sender = serializers.StringRelatedField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SmsMessage
        fields = ["id", "batch", "sender", "number", "recipient", "customer", "contact", "template", "body", "parts",
                  "encoding", "cost_minor", "is_test", "status", "status_label", "provider", "provider_message_id",
                  "error_code", "error_message", "attempts", "scheduled_at", "sent_at", "created_at", "resent_from"]
        read_only_fields = fields


class MessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The send log (sender and superiors); ``POST`` sends one text, ``POST test/`` one to oneself.
    No update, no delete: the log is kept as sent."""

    serializer_class = MessageSerializer
    permission_classes = [ModulePermission]
    permission_module = "sms"
    permission_action = {"test": "create", "preview": "create", "resend": "create"}
    search_fields = ["number", "recipient", "body"]
    ordering_fields = ["created_at", "status"]
    filterset_fields = None

    def get_queryset(self):
        qs = queries.log_for(self.request.user)
        params = self.request.query_params
        return services.log_filter(qs, status=params.get("status", ""),
                                   batch=params.get("batch") if str(params.get("batch", "")).isdigit() else None)

    @extend_schema(request=SingleSerializer, responses=MessageSerializer)
    def create(self, request):
        data = self._valid(SingleSerializer)
        message = services.send_single(by=request.user, number=data["number"], body=data.get("body"),
                                       template=data.get("template"), contact_id=data.get("contact"),
                                       scheduled_at=data.get("scheduled_at"))
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ComposeSerializer, responses=MessageSerializer)
    @action(detail=False, methods=["post"])
    def test(self, request):
        data = self._valid(ComposeSerializer)
        message = services.send_test(by=request.user, body=data.get("body"), template=data.get("template"))
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SingleSerializer, responses=PreviewSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """Parts and cost of one text (``number`` optional; ``contact`` fills the variables)."""
        serializer = SingleSerializer(data=request.data, context={"request": request})
        serializer.fields["number"].required = False
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        body = services.body_of(data.get("body"), data.get("template"))
        contact = services.contact_for(request.user, data.get("contact"))
        values = services.values_for(request.user, contact.customer if contact else None, contact)
        return Response(services.preview_text(body, values, services.gateway_settings()).as_dict())

    @extend_schema(request=None, responses=MessageSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """Send a failed or interrupted text again (a new row; once per text)."""
        message = services.resend(self.get_object(), by=request.user)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class BatchSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField()

    class Meta:
        model = SmsBatch
        fields = ["id", "created_by", "template", "body", "audience", "scheduled_at", "recipients", "skipped_opt_out",
                  "skipped_no_number", "parts", "cost_minor", "created_at"]
        read_only_fields = fields


class BatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Group sends: ``POST`` sends (after a test of the same text), ``POST preview/`` shows the
    parts, cost and skipped numbers first. Readable like the log."""

    serializer_class = BatchSerializer
    permission_classes = [ModulePermission]
    permission_module = "sms"
    permission_action = {"preview": "create"}
    ordering_fields = ["created_at"]

    def get_queryset(self):
        ids = queries.readable_sender_ids(self.request.user)
        qs = SmsBatch.objects.select_related("created_by")
        return qs if ids is None else qs.filter(created_by_id__in=ids)

    def _valid(self):
        serializer = GroupSerializer(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=GroupSerializer, responses=BatchSerializer)
    def create(self, request):
        data = self._valid()
        batch = services.send_group(by=request.user, kind=data["kind"], filters=data.get("filters"),
                                    body=data.get("body"), template=data.get("template"),
                                    scheduled_at=data.get("scheduled_at"), audience_name=data.get("audience_name", ""))
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GroupSerializer, responses=PreviewSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request):
        data = self._valid()
        return Response(services.preview_group(by=request.user, kind=data["kind"], filters=data.get("filters"),
                                               body=data.get("body"), template=data.get("template")).as_dict())


class UsageView(APIView):
    """``GET /api/v1/sms/usage/``: this month's parts used, the quota and what is left."""

    permission_classes = [ModulePermission]
    permission_module = "sms"
    list_is_one_object = True  # a GET without an id: drf-spectacular would guess a list

    @extend_schema(responses=SmsUsageSerializer)
    def get(self, request):
        config = services.gateway_settings()
        used = services.quota_used()
        return Response({"used": used, "quota": config.monthly_quota, "left": max(0, config.monthly_quota - used),
                         "price_per_part_minor": config.price_per_part_minor, "currency": config.currency})
