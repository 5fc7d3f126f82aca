"""REST API of the Subscription and account pages (Boss only): /api/v1/billing/…"""

from __future__ import annotations

import functools

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from billing import account as account_info
from billing import services
from billing.models import Module, Plan, Subscription
from billing.problems import PaymentServiceError
from saas_core.accounts.permissions import IsBoss
from tenants.models import Tenant


class ModulesForSale(serializers.SlugRelatedField):
    """A module key, accepted only for a module on sale and installed here."""

    def get_queryset(self):
        return Module.objects.for_sale()


class ChoiceSerializer(serializers.Serializer):
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    seats = serializers.IntegerField(min_value=1, max_value=100000)
    modules = ModulesForSale(
        slug_field="key", queryset=Module.objects.all(), many=True, required=False,
        error_messages={"does_not_exist": gettext_lazy("No module “{value}” is on sale in this installation.")},
    )

    def validate_plan(self, plan: Plan) -> Plan:
        subscription = Subscription.objects.filter(tenant_id=self.context["tenant"].pk).first()
        if not plan.active and (subscription is None or subscription.plan_id != plan.pk):
            raise serializers.ValidationError(_("This plan is no longer on sale."))
        return plan


class CardSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=23)
    exp_month = serializers.IntegerField(min_value=1, max_value=12)
    exp_year = serializers.IntegerField(min_value=2000, max_value=2100)
    cvc = serializers.CharField(max_length=4)


class CancelSerializer(serializers.Serializer):
    cancel = serializers.BooleanField(default=True, help_text="true: end at period end; false: keep the subscription.")


# What the operations answer, for the published schema (the views build these dicts themselves).

class CardOnFileSerializer(serializers.Serializer):
    brand = serializers.CharField()
    last4 = serializers.CharField()


class SubscriptionDetailSerializer(serializers.Serializer):
    plan = serializers.CharField(help_text="The plan's code.")
    currency = serializers.CharField()
    price_per_seat_minor = serializers.IntegerField()
    seats = serializers.IntegerField()
    seats_used = serializers.IntegerField()
    modules = serializers.ListField(child=serializers.CharField(), help_text="Keys of the add-on modules.")
    card = CardOnFileSerializer(allow_null=True)
    current_period_end = serializers.DateTimeField(allow_null=True)
    cancel_at_period_end = serializers.BooleanField()


class BillingStateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Tenant.Status.choices)
    trial_ends_at = serializers.DateTimeField(allow_null=True)
    subscription = SubscriptionDetailSerializer(allow_null=True)


class QuoteSerializer(serializers.Serializer):
    """Amounts in minor units (fen, cents) of ``currency``."""

    currency = serializers.CharField()
    plan_total_minor = serializers.IntegerField()
    modules_total_minor = serializers.IntegerField()
    proration_minor = serializers.IntegerField(help_text="On the next invoice; negative: a credit.")
    module_credit_minor = serializers.IntegerField()
    charged_now_minor = serializers.IntegerField()
    period_end = serializers.DateTimeField(allow_null=True)
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())


class ChangeResultSerializer(BillingStateSerializer):
    quote = QuoteSerializer()


class InvoiceSummarySerializer(serializers.Serializer):
    id = serializers.CharField()
    created = serializers.IntegerField(help_text="Unix time.")
    currency = serializers.CharField()
    total_minor = serializers.IntegerField()
    amount_paid_minor = serializers.IntegerField()
    status = serializers.CharField(allow_null=True)


class InvoiceListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = InvoiceSummarySerializer(many=True)


class InvoiceLineSerializer(serializers.Serializer):
    description = serializers.CharField(allow_null=True)
    amount_minor = serializers.IntegerField()
    quantity = serializers.IntegerField(allow_null=True)


class InvoiceDetailSerializer(serializers.Serializer):
    id = serializers.CharField()
    created = serializers.IntegerField(help_text="Unix time.")
    currency = serializers.CharField()
    total_minor = serializers.IntegerField()
    status = serializers.CharField(allow_null=True)
    lines = InvoiceLineSerializer(many=True)


class AccountSerializer(serializers.Serializer):
    name = serializers.CharField()
    status = serializers.CharField(help_text="The status in words, in the request's language.")
    status_code = serializers.ChoiceField(choices=Tenant.Status.choices)
    seats_used = serializers.IntegerField()
    seats_limit = serializers.IntegerField(allow_null=True)
    plan = serializers.CharField(allow_null=True, help_text="The plan's code.")
    modules = serializers.ListField(child=serializers.CharField(), help_text="Keys of the modules switched on.")
    start_date = serializers.DateTimeField()
    paid_since = serializers.DateTimeField(allow_null=True)
    expiry = serializers.DateTimeField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    storage_used = serializers.IntegerField(help_text="Bytes.")
    storage_quota = serializers.IntegerField(allow_null=True, help_text="Bytes.")
    storage_percent = serializers.IntegerField(allow_null=True)
    has_logo = serializers.BooleanField()


_PAYMENT_ERRORS = {
    402: OpenApiResponse(description="The card was declined or the payment failed (`code`: `payment_service`)."),
    409: OpenApiResponse(description="The change conflicts with the subscription's state (`code`: `payment_service`)."),
    503: OpenApiResponse(description="The payment service cannot be reached; try again after Retry-After "
                                     "(`code`: `payment_service`)."),
}


# Request examples: the documentation shows them, and the schema fuzz sends them first.
CHOICE_EXAMPLE = [OpenApiExample("Team plan, 3 seats, no add-on", value={"plan": "team", "seats": 3, "modules": []},
                                 request_only=True)]
CARD_EXAMPLE = [OpenApiExample("A test card", value={"number": "4242424242424242", "exp_month": 12,
                                                     "exp_year": 2035, "cvc": "123"}, request_only=True)]


def _paying(ok, request=None, **kwargs):
    """``extend_schema`` of an operation that talks to Stripe: its answer plus Stripe's failures."""
    return extend_schema(request=request, responses={200: ok, **_PAYMENT_ERRORS}, **kwargs)


def _tenant(request: Request) -> Tenant:
    return Tenant.objects.get(pk=request.tenant.pk)


def _state(tenant: Tenant) -> dict:
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    data = {"status": tenant.status, "trial_ends_at": tenant.trial_ends_at, "subscription": None}
    if subscription is not None:
        data["subscription"] = {
            "plan": subscription.plan.code, "currency": subscription.plan.currency,
            "price_per_seat_minor": subscription.plan.price_per_seat_minor, "seats": subscription.seats,
            "seats_used": services.seats_used(),
            "modules": sorted(subscription.modules.installed().values_list("key", flat=True)),
            "card": {"brand": subscription.card_brand, "last4": subscription.card_last4} if subscription.card_last4 else None,
            "current_period_end": subscription.current_period_end,
            "cancel_at_period_end": subscription.cancel_at_period_end,
        }
    return data


def _choice(request: Request) -> dict:
    serializer = ChoiceSerializer(data=request.data, context={"tenant": request.tenant})
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    data.setdefault("modules", [])
    return data


def answers_payment_problems(view):
    """Stripe's failures as their own status (503 and Retry-After, 409, 402) with what to do."""

    @functools.wraps(view)
    def wrapped(request: Request, *args, **kwargs) -> Response:
        try:
            return view(request, *args, **kwargs)
        except PaymentServiceError as exc:
            headers = {"Retry-After": "60"} if exc.status == 503 else None
            return Response({"detail": exc.messages[0], "errors": {}, "code": "payment_service"}, status=exc.status,
                            headers=headers)

    return wrapped


def _quote_data(quote) -> dict:
    return {"currency": quote.currency, "plan_total_minor": quote.plan_total, "modules_total_minor": quote.modules_total,
            "proration_minor": quote.proration, "module_credit_minor": quote.module_credit,
            "charged_now_minor": quote.charged_now, "period_end": quote.period_end,
            "added": [m.key for m in quote.added], "removed": [m.key for m in quote.removed]}


@extend_schema(responses=BillingStateSerializer)
@api_view(["GET"])
@permission_classes([IsBoss])
def subscription(request: Request) -> Response:
    """The company's status, plan, seats, modules, card and period."""
    return Response(_state(_tenant(request)))


@extend_schema(request=ChoiceSerializer, responses=QuoteSerializer, examples=CHOICE_EXAMPLE)
@api_view(["POST"])
@permission_classes([IsBoss])
def quote(request: Request) -> Response:
    """What a change would cost (minor units), before confirming it."""
    return Response(_quote_data(services.quote_change(_tenant(request), **_choice(request))))


@_paying(BillingStateSerializer, request=CardSerializer, examples=CARD_EXAMPLE)
@api_view(["POST"])
@permission_classes([IsBoss])
@answers_payment_problems
def card(request: Request) -> Response:
    serializer = CardSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    services.save_card(_tenant(request), email=request.user.email, **serializer.validated_data)
    return Response(_state(_tenant(request)))


@_paying(BillingStateSerializer, request=ChoiceSerializer, examples=CHOICE_EXAMPLE)
@api_view(["POST"])
@permission_classes([IsBoss])
@answers_payment_problems
def subscribe(request: Request) -> Response:
    services.subscribe(_tenant(request), **_choice(request))
    return Response(_state(_tenant(request)))


@_paying(ChangeResultSerializer, request=ChoiceSerializer, examples=CHOICE_EXAMPLE)
@api_view(["POST"])
@permission_classes([IsBoss])
@answers_payment_problems
def change(request: Request) -> Response:
    figures = services.change(_tenant(request), **_choice(request))
    return Response({**_state(_tenant(request)), "quote": _quote_data(figures)})


@_paying(BillingStateSerializer, request=CancelSerializer)
@api_view(["POST"])
@permission_classes([IsBoss])
@answers_payment_problems
def cancel(request: Request) -> Response:
    """``{"cancel": true}`` ends at period end; ``false`` keeps the subscription."""
    value = request.data.get("cancel", True)
    if not isinstance(value, bool):
        raise serializers.ValidationError({"cancel": [_("Must be true or false.")]})
    services.set_cancel_at_period_end(_tenant(request), value)
    return Response(_state(_tenant(request)))


@_paying(BillingStateSerializer)
@api_view(["POST"])
@permission_classes([IsBoss])
@answers_payment_problems
def pay(request: Request) -> Response:
    services.pay_overdue(_tenant(request))
    return Response(_state(_tenant(request)))


@_paying(InvoiceListSerializer, operation_id="billing_invoices_list")
@api_view(["GET"])
@permission_classes([IsBoss])
@answers_payment_problems
def invoices(request: Request) -> Response:
    rows = [{"id": i.id, "created": i.created, "currency": i.currency, "total_minor": i.total,
             "amount_paid_minor": i.amount_paid, "status": i.status}
            for i in services.invoices(_tenant(request))]
    return Response({"count": len(rows), "results": rows})


@extend_schema(responses=InvoiceDetailSerializer)
@api_view(["GET"])
@permission_classes([IsBoss])
def invoice(request: Request, invoice_id: str) -> Response:
    found = services.invoice(_tenant(request), invoice_id)
    if found is None:
        raise Http404
    return Response({"id": found.id, "created": found.created, "currency": found.currency, "total_minor": found.total,
                     "status": found.status,
                     "lines": [{"description": line.description, "amount_minor": line.amount,
                                "quantity": line.quantity} for line in found.lines.data]})


@extend_schema(responses=AccountSerializer)
@api_view(["GET"])
@permission_classes([IsBoss])
def account(request: Request) -> Response:
    info = account_info.summary(_tenant(request))
    info["plan"] = info["plan"].code if info["plan"] else None
    info["modules"] = [m.key for m in info["modules"]]
    return Response(info)
