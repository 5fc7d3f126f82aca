"""Follow-ups, schedules and tasks, calendar, daily reports, care records and notifications over
the API: the same services, permissions and data scope as the pages (404 outside the scope)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from saas_core.activities import care, reports, services
from saas_core.activities.models import CareRecord, DailyReport, FollowUp, Notification, ReportReply, Task
from saas_core.customers.models import Contact, Customer
from saas_core.customers.serializers import DictionaryValueField, UserRefField
from saas_core.org.access import ModulePermission
from saas_core.org.scope import ScopedViewSetMixin
from saas_core.records import bin as recycle_bin


def _date_param(request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: ["Enter a date as YYYY-MM-DD."]}) from None


class CustomerRefMixin(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False, allow_null=True)


# --- follow-ups ---------------------------------------------------------------------------


class FollowUpSerializer(CustomerRefMixin, serializers.ModelSerializer):
    kind = DictionaryValueField("activity_type", required=False, allow_null=True)
    result = DictionaryValueField("follow_up_result", required=False, allow_null=True)
    owner = serializers.StringRelatedField()

    class Meta:
        model = FollowUp
        fields = ["id", "customer", "customer_name", "contact", "opportunity", "kind", "result", "subject", "content",
                  "happened_at", "next_on", "owner", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"happened_at": {"required": False, "help_text": "Now when left out."}}

    def create(self, validated_data):
        return services.save_followup(None, by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.save_followup(instance, by=self.context["request"].user, **validated_data)


WINDOW_PARAMS = [
    OpenApiParameter("view", str, enum=list(services.WINDOWS)),
    OpenApiParameter("start", date), OpenApiParameter("end", date),
    OpenApiParameter("field", str, enum=["happened", "next"]), OpenApiParameter("customer", int),
    OpenApiParameter("owner", int), OpenApiParameter("opportunity", int),
]


@extend_schema(parameters=WINDOW_PARAMS)
class FollowUpViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """``?view=followed_today|followed_week|followed_month|due_today|due_week|overdue`` or ``?start=&end=``."""

    serializer_class = FollowUpSerializer
    queryset = FollowUp.objects.select_related("customer", "kind", "result", "owner")
    search_fields = ["subject", "content", "customer__name"]
    ordering_fields = ["happened_at", "next_on", "subject"]
    ordering = ["-happened_at", "-id"]

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        view = params.get("view", "")
        if view and view not in services.WINDOWS:
            raise ValidationError({"view": [f"One of {', '.join(services.WINDOWS)}."]})
        start, end = _date_param(self.request, "start"), _date_param(self.request, "end")
        if start and end and start > end:
            raise ValidationError({"end": ["The end of the window must not be before its start."]})
        qs = services.followup_window(qs, view, start=start, end=end, field=params.get("field", "happened"))
        for name in ("customer", "owner", "opportunity"):
            if (value := params.get(name)) is not None:
                if not value.isdigit():
                    raise ValidationError({name: ["Enter an id."]})
                qs = qs.filter(**{f"{name}_id": int(value)})
        return qs

    def perform_destroy(self, instance):
        recycle_bin.trash(instance, by=self.request.user)


# --- schedules and tasks ----------------------------------------------------------------------


class AssignmentSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.__str__")
    done_at = serializers.DateTimeField()


class TaskSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    schedule_type = DictionaryValueField("schedule_type", required=False, allow_null=True)
    priority = DictionaryValueField("task_priority", required=False, allow_null=True)
    assignees = serializers.ListField(child=UserRefField(), required=False, write_only=True,
                                      help_text="User ids; the creator when left out on create.")
    assignments = serializers.SerializerMethodField()
    owner = serializers.StringRelatedField()

    class Meta:
        model = Task
        fields = ["id", "kind", "title", "description", "schedule_type", "priority", "customer", "opportunity", "starts_at",
                  "ends_at", "all_day", "remind_at", "status", "owner", "assignees", "assignments", "confirmed_at",
                  "created_at", "updated_at"]
        read_only_fields = ["status", "confirmed_at", "created_at", "updated_at"]

    def get_assignments(self, task) -> list[dict]:
        return [AssignmentSerializer(a).data for a in task.assignments.filter(active=True).select_related("user")]

    def validate(self, attrs):
        if self.instance is None and not attrs.get("starts_at") and not attrs.get("ends_at"):
            raise ValidationError({"starts_at": ["Give a start or a due time."]})
        return attrs

    def create(self, validated_data):
        people = validated_data.pop("assignees", [])
        return services.create_task(by=self.context["request"].user, assignees=people, **validated_data)

    def update(self, instance, validated_data):
        people = validated_data.pop("assignees", None)
        return services.update_task(instance, by=self.context["request"].user, assignees=people, **validated_data)


class HandOverSerializer(serializers.Serializer):
    to = UserRefField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TaskViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """``?show=mine|created|confirm|team`` (default team: everything in your scope), ``?status=``, ``?kind=``."""

    serializer_class = TaskSerializer
    queryset = Task.objects.select_related("customer", "owner", "schedule_type", "priority")
    search_fields = ["title", "description", "customer__name"]
    ordering_fields = ["starts_at", "ends_at", "title", "updated_at"]
    ordering = ["starts_at", "id"]

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        return services.filter_tasks(qs, self.request.user, params.get("show", "team"), params.get("status", ""),
                                     params.get("kind", ""))

    def perform_destroy(self, instance):
        if not services.may_change_task(self.request.user, instance):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Only the creator (or their superiors) may delete this task.")
        recycle_bin.trash(instance, by=self.request.user)

    def _answer(self, task):
        return Response(TaskSerializer(Task.objects.get(pk=task.pk), context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"], permission_action="edit")
    def done(self, request, pk=None):
        return self._answer(services.mark_done(self.get_object(), by=request.user))

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"], permission_action="view")
    def confirm(self, request, pk=None):
        return self._answer(services.confirm(self.get_object(), by=request.user))

    @extend_schema(request=HandOverSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], permission_action="view")
    def send_back(self, request, pk=None):
        return self._answer(services.send_back(self.get_object(), by=request.user, note=request.data.get("note", "")))

    @extend_schema(request=HandOverSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], permission_action="edit")
    def hand_over(self, request, pk=None):
        task = self.get_object()
        data = HandOverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.hand_over(task, by=request.user, to=data.validated_data["to"], note=data.validated_data["note"])
        return self._answer(task)


class CalendarItemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    all_day = serializers.BooleanField()
    url = serializers.CharField()
    people = serializers.CharField()
    status = serializers.CharField()


class CalendarView(APIView):
    """Schedules, tasks and planned follow-ups from ``start`` to ``end`` (at most 62 days)."""

    permission_classes = [IsAuthenticated, ModulePermission]
    permission_module = "activities"

    @extend_schema(parameters=[OpenApiParameter("start", date, required=True), OpenApiParameter("end", date, required=True),
                               OpenApiParameter("who", str, description="me, team or a user id")],
                   responses=CalendarItemSerializer(many=True))
    def get(self, request):
        start, end = _date_param(request, "start"), _date_param(request, "end")
        errors = {}
        if start is None:
            errors["start"] = ["Enter a date as YYYY-MM-DD."]
        if end is None:
            errors["end"] = ["Enter a date as YYYY-MM-DD."]
        if not errors and end < start:
            errors["end"] = ["The end must not be before the start."]
        if not errors and end - start > timedelta(days=62):
            errors["end"] = ["At most 62 days at once."]
        if errors:
            raise ValidationError(errors)
        items = services.calendar_items(request.user, start, end, request.query_params.get("who", "me"))
        return Response(CalendarItemSerializer(items, many=True).data)


# --- daily reports ----------------------------------------------------------------------------


class ReplySerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = ReportReply
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["author", "created_at"]


class DailyReportSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()
    author_id = serializers.IntegerField(read_only=True)
    unread = serializers.BooleanField(read_only=True, default=False)
    submit = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = DailyReport
        fields = ["id", "author", "author_id", "day", "activity", "summary", "plan", "status", "submitted_at",
                  "auto_submitted", "unread", "submit"]
        read_only_fields = ["activity", "status", "submitted_at", "auto_submitted"]

    def create(self, validated_data):
        return reports.save_report(by=self.context["request"].user, day=validated_data["day"],
                                   summary=validated_data.get("summary", ""), plan=validated_data.get("plan", ""),
                                   submit=validated_data.get("submit", False))

    def update(self, instance, validated_data):
        if instance.author_id != self.context["request"].user.pk:
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Only the author changes a daily report.")
        return reports.save_report(by=self.context["request"].user, day=instance.day,
                                   summary=validated_data.get("summary", instance.summary),
                                   plan=validated_data.get("plan", instance.plan), submit=validated_data.get("submit", False))


class DailyReportViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                         mixins.UpdateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your reports and your team's submitted ones (``?day=``, ``?author=``, ``?unread=1``); POST writes your
    own (``"submit": true`` submits); reading one marks it read."""

    serializer_class = DailyReportSerializer
    queryset = DailyReport.objects.select_related("author")
    ordering_fields = ["day", "submitted_at"]
    ordering = ["-day", "author_id"]
    search_fields = ["summary", "plan"]

    def get_queryset(self):
        user = self.request.user
        qs = reports.with_unread(super().get_queryset().filter(Q(author=user) | Q(status=DailyReport.Status.SUBMITTED)), user)
        if day := _date_param(self.request, "day"):
            qs = qs.filter(day=day)
        if (author := self.request.query_params.get("author", "")).isdigit():
            qs = qs.filter(author_id=int(author))
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(unread=True)
        return qs

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        reports.mark_seen(self.get_object(), request.user)
        return response

    @extend_schema(request=ReplySerializer, responses=ReplySerializer(many=True))
    @action(detail=True, methods=["get", "post"], permission_action="view", pagination_class=None)
    def replies(self, request, pk=None):
        report = self.get_object()
        if request.method == "POST":
            data = ReplySerializer(data=request.data)
            data.is_valid(raise_exception=True)
            reports.reply(report, by=request.user, body=data.validated_data["body"])
            return Response(ReplySerializer(report.replies.select_related("author"), many=True).data,
                            status=status.HTTP_201_CREATED)
        return Response(ReplySerializer(report.replies.select_related("author"), many=True).data)

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM")], responses=dict)
    @action(detail=False, methods=["get"], permission_action="view")
    def overview(self, request):
        raw = request.query_params.get("month") or timezone.localdate().strftime("%Y-%m")
        try:
            year, month = (int(p) for p in raw.split("-"))
            date(year, month, 1)
        except ValueError:
            raise ValidationError({"month": ["Enter a month as YYYY-MM."]}) from None
        data = reports.month_overview(request.user, year, month)
        return Response({
            "days": [d.isoformat() for d in data["days"]],
            "people": [{"id": u.pk, "name": str(u), "days": cells} for u, cells in data["rows"]],
        })


# --- care records and notifications -----------------------------------------------------------


class CareRecordSerializer(CustomerRefMixin, serializers.ModelSerializer):
    kind = DictionaryValueField("care_type", required=False, allow_null=True)
    by = serializers.StringRelatedField()

    class Meta:
        model = CareRecord
        fields = ["id", "customer", "customer_name", "contact", "kind", "subject", "content", "day", "by", "created_at"]
        read_only_fields = ["created_at"]

    def create(self, validated_data):
        return care.save_care_record(None, by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return care.save_care_record(instance, by=self.context["request"].user, **validated_data)


class CareRecordViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = CareRecordSerializer
    queryset = CareRecord.objects.select_related("customer", "kind", "by")
    search_fields = ["subject", "content", "customer__name"]
    ordering_fields = ["day"]
    ordering = ["-day", "-id"]

    def get_queryset(self):
        qs = super().get_queryset()
        if (value := self.request.query_params.get("customer", "")).isdigit():
            qs = qs.filter(customer_id=int(value))
        return qs

    def perform_destroy(self, instance):
        recycle_bin.trash(instance, by=self.request.user)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


class ReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                help_text="Leave out to mark all as read.")


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your in-app notifications (reminders, hand-overs, replies); ``?unread=1``."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema only (typed ids); get_queryset() scopes
    permission_classes = [IsAuthenticated]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        qs = services.inbox(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(request=ReadSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def read(self, request):
        data = ReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.mark_read(request.user, data.validated_data.get("ids"))
        return Response({"marked": count, "unread": services.unread_count(request.user)})

