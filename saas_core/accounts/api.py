"""REST endpoints for users, the login log and API tokens (thin over accounts.services)."""

from __future__ import annotations

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from saas_core.accounts import queries, services
from saas_core.accounts.models import LoginAttempt, User
from saas_core.accounts.permissions import IsBoss


def _departments():
    from saas_core.org.models import Department

    return Department.objects.all()


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=True, style={"input_type": "password"})
    department = serializers.PrimaryKeyRelatedField(
        queryset=_departments(), required=False, allow_null=True, help_text="Department id (see /api/v1/departments/).",
    )
    department_name = serializers.CharField(source="department.name", read_only=True, default=None, allow_null=True)
    superior = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id", "username", "name", "email", "mobile", "role", "department", "department_name", "superior",
            "language", "time_zone", "is_active", "last_login", "date_joined", "password",
        ]
        read_only_fields = ["id", "last_login", "date_joined"]
        # Uniqueness is checked by accounts.services (also against deleted users).
        extra_kwargs = {"username": {"validators": [UnicodeUsernameValidator()]}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields.pop("password")  # changed through /set_password/ only
        return fields

    def create(self, validated_data):
        return services.create_user(**validated_data)

    def update(self, instance, validated_data):
        return services.update_user(instance, **validated_data)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class TransferRequestSerializer(serializers.Serializer):
    to_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), help_text="The user who receives the records.")
    disable = serializers.BooleanField(default=False, help_text="Disable the user afterwards.")


class TransferLineSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class TransferResultSerializer(serializers.Serializer):
    moved = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    disabled = serializers.BooleanField()


class UserViewSet(viewsets.ModelViewSet):
    """The company's users (Boss only). DELETE disables the login and hides the user.

    ``?department=<id>`` lists a department's users with those of its sub-departments.
    """

    serializer_class = UserSerializer
    permission_classes = [IsBoss]
    search_fields = ["username", "name", "email", "mobile"]
    ordering_fields = sorted(queries.USER_SORTS)

    @extend_schema(parameters=[OpenApiParameter("role", str), OpenApiParameter("department", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        department = params.get("department", "")
        if department and not department.isdigit():
            raise serializers.ValidationError({"department": [_("Give the department's id.")]})
        return queries.users(role=params.get("role", ""), department=int(department) if department else None)

    @extend_schema(responses=TransferLineSerializer(many=True))
    @action(detail=True, methods=["get"])
    def transfer_preview(self, request, pk=None):
        """What would move to another user: records per business record type."""
        from saas_core.org import services as org_services

        lines = org_services.transfer_preview(self.get_object())
        return Response(TransferLineSerializer(lines, many=True).data)

    @extend_schema(request=TransferRequestSerializer, responses=TransferResultSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Give all this user's records to ``to_user`` in one transaction (ACC-01)."""
        from saas_core.org import services as org_services

        user = self.get_object()
        serializer = TransferRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moved = org_services.transfer_records(
            user, serializer.validated_data["to_user"], request.user, disable=serializer.validated_data["disable"],
        )
        user.refresh_from_db()
        return Response({"moved": moved, "total": sum(moved.values()), "disabled": not user.is_active})

    def perform_destroy(self, instance):
        services.delete_user(instance, by=self.request.user)

    @extend_schema(request=PasswordSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def set_password(self, request, pk=None):
        user = self.get_object()
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_password(user, serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoginAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoginAttempt
        fields = ["id", "at", "ip", "user_agent", "user", "username", "role", "success", "reason"]


class LoginAttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The login log (Boss only, read-only)."""

    serializer_class = LoginAttemptSerializer
    permission_classes = [IsBoss]
    search_fields = ["username"]
    ordering_fields = sorted(queries.LOGIN_LOG_SORTS)

    @extend_schema(parameters=[
        OpenApiParameter("result", str, enum=["ok", "fail"]),
        OpenApiParameter("reason", str, enum=[c for c, _ in LoginAttempt.Reason.choices]),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return queries.login_log(result=params.get("result", ""), reason=params.get("reason", ""))


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "mobile", "role", "language", "time_zone", "signature"]
        read_only_fields = ["id", "username", "role"]


class MeViewSet(viewsets.GenericViewSet):
    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]
    list_is_one_object = True  # GET /me/ is the signed-in user, not a page of users

    @extend_schema(responses=MeSerializer)
    def list(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    @action(detail=False, methods=["patch"], url_path="update")
    def update_me(self, request):
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


@extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, 400: OpenApiTypes.OBJECT,
                                                           429: OpenApiTypes.OBJECT})
@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request):
    """Exchange a user name and password for an API token; logged like any sign-in."""
    serializer = TokenRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    result = services.attempt_login(request._request, serializer.validated_data["username"], serializer.validated_data["password"])
    return token_response(result)


def token_response(result: services.LoginResult) -> Response:
    """A token for a successful sign-in; 429 with Retry-After while locked or throttled, else
    400 (the same words for a known and an unknown account)."""
    if result.success:
        token, _created = Token.objects.get_or_create(user=result.user)
        return Response({"token": token.key})
    if result.refused_for_now:
        return Response({"detail": services.login_failure_message(result), "errors": {}},
                        status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(result.retry_after)})
    return Response({"detail": services.login_failure_message(result), "errors": {}}, status=status.HTTP_400_BAD_REQUEST)

