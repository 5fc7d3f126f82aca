"""REST endpoints: departments (with the tree), roles and their permission matrix, my access."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from saas_core.accounts.models import Role, User
from saas_core.org import access, services
from saas_core.org import permissions as registry
from saas_core.org.access import IsBoss, ModulePermission
from saas_core.org.models import DataScope, Department

# --- departments -------------------------------------------------------------------------------


class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    parent = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    order = serializers.IntegerField(min_value=0, required=False, default=0)
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    depth = serializers.IntegerField(read_only=True, help_text="Level in the tree: 1 (top) to 4.")
    user_count = serializers.SerializerMethodField(help_text="Users directly in this department.")

    def get_user_count(self, obj) -> int:
        if hasattr(obj, "user_count"):
            return obj.user_count
        return User.objects.filter(department=obj).count()

    def create(self, validated_data):
        return services.create_department(**validated_data)

    def update(self, instance, validated_data):
        return services.update_department(instance, **validated_data)


class TreeMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    is_active = serializers.BooleanField()


class DepartmentViewSet(viewsets.ModelViewSet):
    """The department tree (module "organisation"). DELETE refuses a department with users or sub-departments."""

    serializer_class = DepartmentSerializer
    permission_classes = [IsAuthenticated, ModulePermission]
    permission_module = "organisation"
    permission_action = None
    search_fields = ["name"]
    ordering_fields = ["name", "order", "depth"]

    def get_queryset(self):
        from django.db.models import Count, Q

        return Department.objects.select_related("leader").annotate(
            user_count=Count("members", filter=Q(members__deleted_at__isnull=True)),
        ).order_by("depth", "order", "name", "pk")

    def perform_destroy(self, instance):
        services.delete_department(instance)

    @extend_schema(responses=inline_serializer("OrgChart", {
        "departments": inline_serializer("DepartmentNode", {
            "id": serializers.IntegerField(), "name": serializers.CharField(), "order": serializers.IntegerField(),
            "depth": serializers.IntegerField(), "leader": serializers.IntegerField(allow_null=True),
            "users": TreeMemberSerializer(many=True),
            "children": serializers.ListField(child=serializers.DictField(), help_text="DepartmentNode objects."),
        }, many=True),
        "unassigned": TreeMemberSerializer(many=True),
    }))
    @action(detail=False, methods=["get"], pagination_class=None)
    def tree(self, request):
        """The whole org chart: departments nested with their users; ``unassigned`` lists users without one."""
        chart = services.org_chart()

        def node(n):
            d = n.department
            return {
                "id": d.pk, "name": d.name, "order": d.order, "depth": d.depth, "leader": d.leader_id,
                "users": TreeMemberSerializer(n.members, many=True).data,
                "children": [node(c) for c in n.children],
            }

        return Response({"departments": [node(n) for n in chart.roots],
                         "unassigned": TreeMemberSerializer(chart.unassigned, many=True).data})


# --- roles -------------------------------------------------------------------------------------


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    editable = serializers.BooleanField(read_only=True)
    data_scope = serializers.ChoiceField(choices=DataScope.choices, required=False)
    chosen_departments = serializers.ListField(child=serializers.IntegerField(), required=False)
    permissions = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=registry.ACTIONS)), required=False,
        help_text="module key → granted actions; modules not given keep theirs.",
    )
    rights = serializers.DictField(child=serializers.BooleanField(), required=False, help_text="special right → granted")
    customer_sections = serializers.ListField(child=serializers.CharField(), required=False,
                                              help_text="Customer service only: the customer sections it may see.")

    def to_representation(self, setting):
        matrix = services.effective(setting)
        return {
            "role": setting.role, "label": str(Role(setting.role).label), "editable": matrix.editable,
            "data_scope": matrix.data_scope, "chosen_departments": [d.pk for d in matrix.chosen_departments],
            "permissions": matrix.permissions, "rights": matrix.rights, "customer_sections": matrix.customer_sections,
        }

    def update(self, instance, validated_data):
        return services.update_role(instance.role, by=self.context["request"].user, **validated_data)


class RoleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The ten roles and what each may do and see (Boss only). PUT and PATCH change only what they name."""

    serializer_class = RoleSerializer
    permission_classes = [IsAuthenticated, IsBoss]
    boss_message = gettext_lazy("Only the Boss may change roles and permissions.")
    lookup_field = "role"
    lookup_value_regex = "[a-z_]+"
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return services.role_settings()

    def get_object(self):
        code = self.kwargs["role"]
        if code not in Role.values:
            raise Http404
        return services.get_role_setting(code)

    def update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return super().update(request, *args, **kwargs)

    @extend_schema(responses=inline_serializer("PermissionCatalogue", {
        "actions": serializers.ListField(child=serializers.DictField()),
        "modules": serializers.ListField(child=serializers.DictField()),
        "rights": serializers.ListField(child=serializers.DictField()),
        "data_scopes": serializers.ListField(child=serializers.DictField()),
        "customer_sections": serializers.ListField(child=serializers.DictField()),
    }))
    @action(detail=False, methods=["get"])
    def catalogue(self, request):
        """What a role can be given: modules, actions, special rights, data scopes, customer sections."""
        return Response({
            "actions": [{"key": a, "label": str(registry.ACTION_LABELS[a])} for a in registry.ACTIONS],
            "modules": [{"key": m.key, "label": str(m.label), "business": m.business} for m in registry.modules()],
            "rights": [{"key": r.key, "label": str(r.label)} for r in registry.rights()],
            "data_scopes": [{"key": k, "label": str(v)} for k, v in DataScope.choices],
            "customer_sections": [{"key": s.key, "label": str(s.label)} for s in registry.customer_sections()],
        })

    @extend_schema(request=None, responses=RoleSerializer)
    @action(detail=True, methods=["post"])
    def reset(self, request, role=None):
        """Put the role back to the product's defaults."""
        setting = services.reset_role(self.get_object().role, by=request.user)
        return Response(RoleSerializer(setting, context={"request": request}).data, status=status.HTTP_200_OK)


# --- my access ---------------------------------------------------------------------------------


class AccessViewSet(viewsets.GenericViewSet):
    """What the signed-in user may do and see (for clients that hide what is not allowed)."""

    permission_classes = [IsAuthenticated]
    serializer_class = RoleSerializer
    pagination_class = None
    list_is_one_object = True  # GET /access/ is the signed-in user's rights, one object

    @extend_schema(responses=inline_serializer("MyAccess", {
        "role": serializers.CharField(), "data_scope": serializers.CharField(),
        "permissions": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        "rights": serializers.DictField(child=serializers.BooleanField()),
        "customer_sections": serializers.ListField(child=serializers.CharField(), allow_null=True),
        "visible_user_ids": serializers.ListField(child=serializers.IntegerField(), allow_null=True),
    }))
    def list(self, request):
        from saas_core.org.scope import visible_user_ids

        user = request.user
        ids = visible_user_ids(user)
        return Response({
            "role": user.role,
            "data_scope": access.data_scope(user),
            "permissions": {m.key: [a for a in registry.ACTIONS if access.can(user, m.key, a)] for m in registry.modules()},
            "rights": {r.key: access.has_right(user, r.key) for r in registry.rights()},
            "customer_sections": access.customer_sections(user),
            "visible_user_ids": None if ids is None else sorted(ids),
        })
