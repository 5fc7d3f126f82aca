"""Serializers of the customer and contact API (thin: the rules live in services, access, sharing, merge)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from saas_core.accounts.models import User
from saas_core.customers.models import Contact, Customer, CustomerShare
from saas_core.dictionaries.serializers import DictionaryRelatedField

MAX_ID = 2**63 - 1  # PostgreSQL bigint


def IdField(**kwargs):  # noqa: N802 - reads like a field class
    """A record id; out of the database's range is a 400, not a database error."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({
    "type": "object", "nullable": True,
    "properties": {"id": {"type": "integer"}, "key": {"type": "string"}, "label": {"type": "string"}},
    "description": "Written as the value's id; read as {id, key, label}.",
})
class DictionaryValueField(DictionaryRelatedField):
    """A pick-list value: written as the item's id, returned as ``{id, key, label}``."""

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_representation(self, value):
        return {"id": value.pk, "key": value.key, "label": value.label}


class UserRefField(serializers.PrimaryKeyRelatedField):
    """A colleague: written as the user's id (enabled users only)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)


def _user_name(user) -> str | None:
    return str(user) if user is not None else None


# --- contacts --------------------------------------------------------------------------------


CONTACT_FIELDS = [
    "name", "gender", "title", "department", "mobile", "phone", "email", "qq", "wechat", "role", "category",
    "birthday", "is_primary", "remark",
]


class ContactFieldsMixin(serializers.ModelSerializer):
    role = DictionaryValueField("contact_role", required=False)
    category = DictionaryValueField("contact_category", required=False)


class QuickContactSerializer(ContactFieldsMixin):
    """The first contact given with a new customer (CUS-03)."""

    class Meta:
        model = Contact
        fields = [f for f in CONTACT_FIELDS if f != "is_primary"]


class ContactSerializer(ContactFieldsMixin):
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), help_text="The customer's id (one you may edit).",
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    surname = serializers.CharField(read_only=True)
    surname_initial = serializers.CharField(read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "customer", "customer_name", *CONTACT_FIELDS, "surname", "surname_initial", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, Contact):
            fields["customer"].read_only = True  # a contact stays with its customer (merge moves them)
        return fields

    def validate_customer(self, customer):
        from saas_core.customers.access import can_view

        if not can_view(self.context["request"].user, customer):
            # As if it did not exist: ids outside the reader's scope reveal nothing.
            self.fields["customer"].fail("does_not_exist", pk_value=customer.pk)
        return customer


# --- customers -------------------------------------------------------------------------------


DICTIONARY_FIELDS = {
    "category": "customer_category", "grade": "customer_grade", "customer_type": "customer_type",
    "industry": "industry", "source": "customer_source", "value_class": "value_class", "hot_reason": "hot_reason",
}


class CustomerSerializer(serializers.ModelSerializer):
    category = DictionaryValueField("customer_category", required=False)
    grade = DictionaryValueField("customer_grade", required=False)
    customer_type = DictionaryValueField("customer_type", required=False)
    industry = DictionaryValueField("industry", required=False)
    source = DictionaryValueField("customer_source", required=False)
    value_class = DictionaryValueField("value_class", required=False)
    hot_reason = DictionaryValueField("hot_reason", required=False)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True, help_text="The parent customer's id.",
    )
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None, allow_null=True)
    owner = UserRefField(required=False, help_text="The owner's user id; only when creating (then use transfer/).")
    owner_name = serializers.SerializerMethodField()
    number = serializers.CharField(max_length=30, required=False, allow_blank=True,
                                   help_text="Left empty, a number is given (KHyyyymm…).")
    contact = QuickContactSerializer(required=False, write_only=True, help_text="Quick create: the first contact.")
    confirm_duplicates = serializers.BooleanField(
        required=False, default=False, write_only=True,
        help_text="Create even when a customer with the same name or phone exists (otherwise 409).",
    )

    class Meta:
        model = Customer
        fields = [
            "id", "number", "name", "short_name", "kind", "status", "category", "grade", "customer_type", "industry",
            "source", "value_class", "province", "city", "district", "address", "phone", "fax", "email", "website",
            "remark", "parent", "parent_name", "owner", "owner_name", "is_hot", "heat", "hot_reason", "hot_until",
            "last_contact_at", "next_contact_at", "created_at", "updated_at", "contact", "confirm_duplicates",
        ]
        read_only_fields = ["id", "last_contact_at", "created_at", "updated_at"]
        extra_kwargs = {
            "province": {"help_text": "A province of China by its standard name (江苏省); 江苏 and Jiangsu are "
                                      "accepted and stored as 江苏省. 400 when it names no province."},
            "city": {"help_text": "A city of the province (南京市; 南京 is accepted). Given alone, the province is "
                                  "found from it. 400 when it is not a city of the province."},
            "district": {"help_text": "A district or county of the city (玄武区). 400 when it is not in the city."},
        }

    def get_validators(self):
        return []  # the number's uniqueness (among live customers) is checked by customers.services

    def get_owner_name(self, obj) -> str | None:
        return _user_name(obj.owner)

    def validate_parent(self, parent):
        from saas_core.customers.access import can_view

        if parent is None:
            return None
        request = self.context["request"]
        if not can_view(request.user, parent):
            raise serializers.ValidationError(_("{pk} is not a customer you may see.").format(pk=parent.pk))
        if self.instance is not None:
            # Walk up from the new parent: meeting this customer would make a loop.
            seen, current = set(), parent.pk
            while current is not None and current not in seen:
                if current == self.instance.pk:
                    raise serializers.ValidationError(_("A customer cannot be its own parent, nor its sub-customer's."))
                seen.add(current)
                current = Customer._base_manager.filter(pk=current).values_list("parent_id", flat=True).first()
        return parent

    def validate_owner(self, owner):
        from saas_core.org.scope import visible_user_ids

        if self.instance is not None:
            if owner.pk != self.instance.owner_id:
                raise serializers.ValidationError(_("Change the owner with a transfer."))
            return owner
        ids = visible_user_ids(self.context["request"].user)
        if ids is not None and owner.pk not in ids:
            raise serializers.ValidationError(_("You may only give customers to users within your data scope."))
        return owner

    def validate_hot_until(self, value):
        if value is not None and value < timezone.localdate() and (
            self.instance is None or value != self.instance.hot_until
        ):
            raise serializers.ValidationError(_("The hot flag cannot expire in the past."))
        return value


class CustomerDetailSerializer(CustomerSerializer):
    """One customer: with what the reader may do with it and how it is shared with them."""

    can_edit = serializers.SerializerMethodField()
    can_delete = serializers.SerializerMethodField()
    shared_with_me = serializers.SerializerMethodField()

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "can_edit", "can_delete", "shared_with_me"]

    def get_can_edit(self, obj) -> bool:
        from saas_core.customers.access import can_edit

        return can_edit(self.context["request"].user, obj)

    def get_can_delete(self, obj) -> bool:
        from saas_core.customers.access import can_delete

        return can_delete(self.context["request"].user, obj)

    def get_shared_with_me(self, obj) -> str | None:
        """The level of an active share with the reader ("read" / "write"), if any."""
        from django.db.models import Q

        now = timezone.now()
        return (
            CustomerShare.objects.filter(customer=obj, user=self.context["request"].user)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).values_list("level", flat=True).first()
        )


class CustomerDuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    owner = serializers.CharField()
    reason = serializers.CharField()


class CustomerDuplicateResponseSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField()
    duplicates = CustomerDuplicateSerializer(many=True)


class CustomerStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Customer.Status.choices, required=False)
    grade = DictionaryValueField("customer_grade", required=False)
    value_class = DictionaryValueField("value_class", required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError({"status": [_("Give a status, grade or value class.")]})
        return attrs


class CustomerHotSerializer(serializers.Serializer):
    is_hot = serializers.BooleanField()
    heat = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    hot_reason = DictionaryValueField("hot_reason", required=False)
    hot_until = serializers.DateField(required=False, allow_null=True)

    def validate_hot_until(self, value):
        if value is not None and value < timezone.localdate():
            raise serializers.ValidationError(_("The hot flag cannot expire in the past."))
        return value

    def validate(self, attrs):
        if not attrs["is_hot"]:
            return {"is_hot": False, "heat": None, "hot_reason": None, "hot_until": None}
        if not attrs.get("heat"):
            raise serializers.ValidationError({"heat": [_("Give the heat, from 1 to 5.")]})
        return attrs


class CustomerShareRequestSerializer(serializers.Serializer):
    users = serializers.ListField(child=IdField(), allow_empty=False, help_text="User ids.")
    level = serializers.ChoiceField(choices=CustomerShare.Level.choices, default=CustomerShare.Level.READ)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate_users(self, ids):
        users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
        missing = [str(i) for i in ids if i not in users]
        if missing:
            raise serializers.ValidationError(_("Unknown users: %(ids)s.") % {"ids": ", ".join(missing)})
        return [users[i] for i in dict.fromkeys(ids)]


class CustomerShareSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField()
    shared_by_name = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField()

    class Meta:
        model = CustomerShare
        fields = ["id", "user", "user_name", "level", "expires_at", "expired", "shared_by", "shared_by_name", "created_at"]

    def get_user_name(self, obj) -> str:
        return str(obj.user)

    def get_shared_by_name(self, obj) -> str | None:
        return _user_name(obj.shared_by)

    def get_expired(self, obj) -> bool:
        from saas_core.customers.sharing import is_expired

        return is_expired(obj)


class CustomerTransferSerializer(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), allow_empty=False, required=False, help_text="Customer ids (one or many).")
    id = IdField(required=False, help_text="One customer's id (instead of ids).")
    to_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), help_text="The new owner's user id.")

    def validate(self, attrs):
        ids = list(attrs.get("ids") or [])
        if attrs.get("id") is not None:
            ids.append(attrs["id"])
        if not ids:
            raise serializers.ValidationError({"ids": [_("Choose at least one customer.")]})
        attrs["ids"] = list(dict.fromkeys(ids))
        return attrs


class CustomerTransferResultSerializer(serializers.Serializer):
    transferred = serializers.IntegerField()


class CustomerMergeSerializer(serializers.Serializer):
    survivor = IdField(help_text="The customer that stays.")
    merged = IdField(help_text="The duplicate that moves into it and goes to the recycle bin.")


class CustomerMergeResultSerializer(serializers.Serializer):
    survivor = CustomerSerializer()
    moved = serializers.DictField(child=serializers.IntegerField())
    filled = serializers.ListField(child=serializers.CharField())
    kept = serializers.DictField(child=serializers.IntegerField())
