"""Cancellation over the API: the refund quote for some tickets, and cancelling a paid order or some of its
tickets (``POST orders/{code}/cancel/``, in views.OrderCancelApi, which also abandons unpaid orders)."""

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from payments.models import Refund
from tickets.selectors import order_get_for_buyer
from tickets.selectors_cancellations import order_cancellation_options


class OrderRefundOutput(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "amount", "status", "kind", "created_at", "succeeded_at", "next_attempt_at"]


class CancelInput(serializers.Serializer):
    tickets = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=True,
        max_length=100,
        help_text="Ids of the tickets to cancel; left out or empty: every ticket the buyer may cancel.",
    )
    expected_refund = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text="The refund the buyer was shown; if the policy now gives another amount, 409 refund_quote_changed.",
    )


class TicketIdsQuery(serializers.Serializer):
    tickets = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=100)


class OrderRefundQuoteApi(APIView):
    """What cancelling some tickets of my order now would refund, under the event's refund policy."""

    permission_classes = [IsAuthenticated]

    class Output(serializers.Serializer):
        class Ticket(serializers.Serializer):
            id = serializers.IntegerField(source="ticket.pk")
            serial = serializers.CharField(source="ticket.serial")
            attendee_name = serializers.CharField(source="ticket.attendee_name")
            price = serializers.DecimalField(source="ticket.price", max_digits=10, decimal_places=2)
            cancellable = serializers.BooleanField()
            selected = serializers.BooleanField()
            note = serializers.CharField()

        class Step(serializers.Serializer):
            percent = serializers.IntegerField()
            until = serializers.DateTimeField(source="deadline")

        cancellable = serializers.BooleanField(source="allowed")
        message = serializers.CharField()
        currency = serializers.CharField(source="order.currency")
        tickets = Ticket(many=True, source="choices")
        amount = serializers.DecimalField(source="quote.amount", max_digits=12, decimal_places=2)
        percent = serializers.IntegerField(source="quote.percent")
        fee = serializers.DecimalField(source="quote.fee", max_digits=12, decimal_places=2)
        refund_amount = serializers.DecimalField(source="quote.refund_amount", max_digits=12, decimal_places=2)
        description = serializers.CharField(source="quote.description")
        deadline = serializers.DateTimeField(source="quote.deadline", allow_null=True)
        policy = Step(many=True, source="schedule")
        policy_fee = serializers.DecimalField(source="fee", max_digits=8, decimal_places=2)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "tickets",
                OpenApiTypes.INT,
                many=True,
                description="Ticket ids (repeat the parameter); none: every ticket I may cancel.",
            )
        ],
        responses={200: Output},
        summary="Quote the refund for cancelling tickets of my order",
    )
    def get(self, request, code):
        order = order_get_for_buyer(buyer=request.user, code=code)
        query = TicketIdsQuery(data={"tickets": request.query_params.getlist("tickets")})
        query.is_valid(raise_exception=True)
        options = order_cancellation_options(
            order=order,
            buyer=request.user,
            selected_ids=query.validated_data.get("tickets") or None,
            now=timezone.now(),
        )
        return Response(self.Output(options).data)
