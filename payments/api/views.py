"""Paying an order and reading payment history (SPEC §5, §10)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from payments.errors import WrongPaymentProvider
from payments.models import Payment, Provider, Refund
from payments.providers import get_provider
from payments.providers.simulated import normalize_card_number
from payments.selectors import (
    payment_get_awaiting_action,
    payment_list_for_buyer,
    payment_list_for_ticket,
    payment_list_for_user,
)
from payments.services.payments import payment_confirm_simulated, payment_pay_simulated, payment_start
from tickets.selectors import order_get_for_buyer


class RefundOutput(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "amount", "status", "kind", "created_at", "succeeded_at"]
        read_only_fields = fields


class PaymentOutput(serializers.ModelSerializer):
    """A payment as its buyer, the event's organizer or an admin sees it (never the client secret)."""

    order = serializers.CharField(source="order.code")
    event = serializers.CharField(source="order.event.slug")
    refunded_amount = serializers.SerializerMethodField()
    refunds = RefundOutput(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "order", "event", "provider", "amount", "currency", "status", "provider_payment_id",
                  "failure_code", "failure_message", "created_at", "succeeded_at",
                  "refunded_amount", "refunds"]  # fmt: skip
        read_only_fields = fields

    def get_refunded_amount(self, payment) -> str:
        total = sum(refund.amount for refund in payment.refunds.all() if refund.status == Refund.Status.SUCCEEDED)
        return f"{total:.2f}"


PayOutput = inline_serializer(
    "OrderPayment",
    {
        "order": inline_serializer(
            "OrderPaymentOrder", {"code": serializers.CharField(), "status": serializers.CharField()}
        ),
        "payment": PaymentOutput(),
        "next_action": serializers.DictField(allow_null=True, help_text="What the buyer must do next, or null."),
    },
)


def pay_output(request, payment: Payment) -> dict:
    """The payment, its order and the buyer's next step: none, a 3-D Secure page, or Stripe Elements."""
    order = payment.order
    next_action = None
    if payment.provider == Provider.SIMULATED and payment.status == Payment.Status.REQUIRES_ACTION:
        next_action = {
            "type": "authenticate",
            "url": request.build_absolute_uri(reverse("payments:simulated_authenticate", args=[order.code])),
            "confirm_url": request.build_absolute_uri(reverse("order-pay-confirm", args=[order.code])),
        }
    elif payment.provider == Provider.STRIPE and payment.status in (
        Payment.Status.PENDING,
        Payment.Status.REQUIRES_ACTION,
        Payment.Status.FAILED,
    ):
        next_action = {
            "type": "stripe_confirm",
            "client_secret": payment.client_secret,
            **get_provider(payment.provider).browser_config(),
        }
    payment = Payment.objects.select_related("order__event").prefetch_related("refunds").get(pk=payment.pk)
    return {
        "order": {"code": order.code, "status": payment.order.status},
        "payment": PaymentOutput(payment).data,
        "next_action": next_action,
    }


@method_decorator(sensitive_post_parameters("card_number"), name="dispatch")
class OrderPayApi(APIView):
    """Pay my order. Simulated provider: send a test card number. Stripe: get what Elements needs."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkout"

    class Input(serializers.Serializer):
        card_number = serializers.CharField(
            max_length=40, required=False, allow_blank=True, write_only=True, help_text="Simulated provider only."
        )

        def validate_card_number(self, value: str) -> str:
            number = normalize_card_number(value)
            if value and not number:
                raise serializers.ValidationError("Enter a valid card number.")
            return number

    @extend_schema(
        request=Input,
        responses={
            200: PayOutput,
            402: OpenApiResponse(description="Declined: error code card_declined, insufficient_funds…"),
            409: OpenApiResponse(description="Already paid, or paid too late (refunded)"),
            410: OpenApiResponse(description="The reservation expired"),
        },
        summary="Pay an order (simulated: with a test card; Stripe: returns the client secret for Elements)",
    )
    def post(self, request, code):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_get_for_buyer(buyer=request.user, code=code)
        now = timezone.now()
        if settings.PAYMENT_PROVIDER == Provider.SIMULATED:
            card_number = data.validated_data.get("card_number")
            if not card_number:
                raise serializers.ValidationError({"card_number": ["Enter the card number."]})
            payment = payment_pay_simulated(order=order, card_number=card_number, now=now)
        elif "card_number" in request.data:
            raise WrongPaymentProvider()  # card data must go straight from the browser to Stripe, never to us
        else:
            payment = payment_start(order=order, now=now)
        return Response(pay_output(request, payment))


class OrderPayConfirmApi(APIView):
    """The simulated 3-D Secure step: complete it (approve) or fail it."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkout"

    class Input(serializers.Serializer):
        approve = serializers.BooleanField(default=True)

    @extend_schema(request=Input, responses={200: PayOutput}, summary="Finish the simulated 3-D Secure step")
    def post(self, request, code):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_get_for_buyer(buyer=request.user, code=code)
        payment = payment_get_awaiting_action(order=order)
        payment = payment_confirm_simulated(payment=payment, approve=data.validated_data["approve"], now=timezone.now())
        return Response(pay_output(request, payment))


class PaymentListApi(ListAPIView):
    """My payments, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = PaymentOutput
    filterset_fields = ["status", "provider"]
    ordering_fields = ["created_at", "amount"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return payment_list_for_buyer(buyer=self.request.user)


class PaymentUserListApi(PaymentListApi):
    """A user's payments: for the user themselves or an admin (others get 404)."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return payment_list_for_user(user_id=self.kwargs["user_id"], viewer=self.request.user)


class PaymentTicketListApi(PaymentListApi):
    """The payments of a ticket's order: for its buyer, the event's organizer or an admin (others get 404)."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return payment_list_for_ticket(ticket_id=self.kwargs["ticket_id"], viewer=self.request.user)
