from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.errors import NotFound
from events.models import Event, Seat
from tickets.api.cancellations import CancelInput, OrderRefundOutput
from tickets.errors import PromoError
from tickets.models import Hold, Order, Ticket
from tickets.qr import ticket_qr_payload
from tickets.selectors import (
    hold_get_for_buyer,
    order_get_for_buyer,
    order_list_for_buyer,
    ticket_get_for_owner,
    ticket_list_for_owner,
)
from tickets.selectors_cancellations import order_refund_list
from tickets.services.cancellations import order_cancel_by_buyer
from tickets.services.holds import LineRequest, hold_create, hold_release
from tickets.services.orders import order_cancel_unpaid, order_checkout

IDEMPOTENCY_HEADER = "Idempotency-Key"


def idempotency_key(request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > 100:
        raise serializers.ValidationError({IDEMPOTENCY_HEADER: ["At most 100 characters."]})
    return key


class HoldOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lines = serializers.SerializerMethodField()
    seats = serializers.SerializerMethodField()

    class Meta:
        model = Hold
        fields = ["id", "event", "status", "expires_at", "currency", "total", "lines", "seats"]

    def get_lines(self, hold) -> list[dict]:
        return [
            {
                "ticket_type": line.ticket_type_id,
                "name": line.ticket_type.name,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
            }
            for line in hold.lines.select_related("ticket_type")
        ]

    def get_seats(self, hold) -> list[int]:
        return list(hold.seat_reservations.values_list("seat_id", flat=True))


class TicketOutput(serializers.ModelSerializer):
    ticket_type = serializers.CharField(source="ticket_type.name")
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    order = serializers.CharField(source="order.code")
    seat = serializers.SerializerMethodField()
    qr_payload = serializers.SerializerMethodField()
    qr_png = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "serial", "status", "event", "order", "ticket_type", "attendee_name", "price", "seat",
                  "qr_payload", "qr_png"]  # fmt: skip

    def get_qr_payload(self, ticket) -> str | None:
        """The signed code in the QR image; only for valid tickets."""
        return ticket_qr_payload(ticket) if ticket.status == Ticket.Status.VALID else None

    def get_qr_png(self, ticket) -> str | None:
        return reverse("tickets:qr", args=[ticket.pk]) if ticket.status == Ticket.Status.VALID else None

    def get_seat(self, ticket) -> str | None:
        if not ticket.seat_id:
            return None
        return f"{ticket.seat.row.section.name}, row {ticket.seat.row.label}, seat {ticket.seat.number}"


class OrderOutput(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lines = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["code", "status", "event", "currency", "subtotal", "discount", "discount_label", "total",
                  "expires_at", "paid_at", "created_at", "lines", "payment"]  # fmt: skip

    def get_lines(self, order) -> list[dict]:
        return [
            {"ticket_type": line.ticket_type.name, "quantity": line.quantity, "unit_price": str(line.unit_price),
             "total": str(line.total)}
            for line in order.lines.all()
        ]  # fmt: skip

    def get_payment(self, order) -> dict | None:
        if order.status != Order.Status.PENDING:
            return None
        return {"pay_url": f"/api/v1/orders/{order.code}/pay/", "expires_at": order.expires_at}


class OrderTicketOutput(TicketOutput):
    """A ticket on its buyer's order. Once transferred to someone else it is theirs: no QR code here."""

    transferred = serializers.SerializerMethodField()

    class Meta(TicketOutput.Meta):
        fields = [*TicketOutput.Meta.fields, "transferred"]

    def get_transferred(self, ticket) -> bool:
        return ticket.holder_id is not None

    def get_qr_payload(self, ticket) -> str | None:
        return None if ticket.holder_id is not None else super().get_qr_payload(ticket)

    def get_qr_png(self, ticket) -> str | None:
        return None if ticket.holder_id is not None else super().get_qr_png(ticket)


class OrderDetailOutput(OrderOutput):
    tickets = OrderTicketOutput(many=True, read_only=True)
    refunds = serializers.SerializerMethodField()

    class Meta(OrderOutput.Meta):
        fields = [*OrderOutput.Meta.fields, "tickets", "refunds"]

    @extend_schema_field(OrderRefundOutput(many=True))
    def get_refunds(self, order) -> list[dict]:
        return OrderRefundOutput(order_refund_list(order=order), many=True).data


class HoldCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkout"

    class Input(serializers.Serializer):
        class Line(serializers.Serializer):
            ticket_type = serializers.IntegerField(min_value=1)
            quantity = serializers.IntegerField(min_value=1, max_value=100)

        event = serializers.CharField(max_length=160, help_text="Event slug or id.")
        lines = Line(many=True, required=False, default=list)
        seats = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list,
                                      max_length=100)  # fmt: skip
        unlock_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses={201: HoldOutput}, summary="Reserve tickets or seats for 10 minutes")
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        event = _event_by_slug_or_id(values["event"])
        lines = [LineRequest(line["ticket_type"], line["quantity"]) for line in values["lines"]]
        if values["seats"]:
            zones = defaultdict(list)
            for seat_id, ticket_type_id in Seat.objects.filter(
                pk__in=values["seats"], row__section__seat_map__event=event
            ).values_list("pk", "row__section__ticket_type_id"):
                zones[ticket_type_id].append(seat_id)
            if sum(len(seats) for seats in zones.values()) != len(set(values["seats"])) or None in zones:
                raise serializers.ValidationError({"seats": ["Some of these seats are not for sale at this event."]})
            lines += [LineRequest(pk, 0, tuple(seats)) for pk, seats in zones.items()]
        hold = hold_create(
            buyer=request.user,
            event=event,
            lines=lines,
            now=timezone.now(),
            unlock_code=values["unlock_code"],
            idempotency_key=idempotency_key(request),
        )
        return Response(HoldOutput(hold).data, status=status.HTTP_201_CREATED)


def _event_by_slug_or_id(value: str) -> Event:
    lookup = {"pk": int(value)} if value.isdigit() else {"slug": value}
    event = Event.objects.filter(**lookup).first()
    if event is None:
        raise NotFound()
    return event


class HoldDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: HoldOutput})
    def get(self, request, hold_id):
        return Response(HoldOutput(hold_get_for_buyer(buyer=request.user, public_id=hold_id)).data)

    @extend_schema(responses={204: None}, summary="Give the reserved tickets back")
    def delete(self, request, hold_id):
        hold_release(hold=hold_get_for_buyer(buyer=request.user, public_id=hold_id), buyer=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HoldCheckoutApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkout"

    class Input(serializers.Serializer):
        attendee_names = serializers.ListField(
            child=serializers.CharField(max_length=150, allow_blank=True), max_length=100
        )
        promo_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
        referral_code = serializers.CharField(max_length=40, required=False, allow_blank=True)

    @extend_schema(request=Input, responses={201: OrderDetailOutput}, summary="Turn a hold into a pending order")
    def post(self, request, hold_id):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        hold = hold_get_for_buyer(buyer=request.user, public_id=hold_id)
        try:
            order = order_checkout(
                hold=hold,
                buyer=request.user,
                attendee_names=data.validated_data["attendee_names"],
                now=timezone.now(),
                idempotency_key=idempotency_key(request),
                promo_code=data.validated_data.get("promo_code", ""),
                referral_code=data.validated_data.get("referral_code", ""),
            )
        except PromoError as exc:  # point at the field the client sent
            raise type(exc)(exc.message, fields={"promo_code": [exc.message]}) from exc
        order = order_get_for_buyer(buyer=request.user, code=order.code)
        return Response(OrderDetailOutput(order).data, status=status.HTTP_201_CREATED)


class OrderListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrderOutput
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "total"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return order_list_for_buyer(buyer=self.request.user)


class OrderDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OrderDetailOutput})
    def get(self, request, code):
        return Response(OrderDetailOutput(order_get_for_buyer(buyer=request.user, code=code)).data)


class OrderCancelApi(APIView):
    """An unpaid order is abandoned; a paid one is cancelled (all its tickets, or ``tickets``) with the refund
    its event's policy gives (see ``refund-quote/``). Repeating the same cancellation changes nothing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CancelInput, responses={200: OrderDetailOutput}, summary="Cancel my order or some tickets")
    def post(self, request, code):
        order = order_get_for_buyer(buyer=request.user, code=code)
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        tickets = data.validated_data.get("tickets")
        if order.status == Order.Status.PENDING and not tickets:
            order_cancel_unpaid(order=order, buyer=request.user, now=timezone.now())
        else:
            order_cancel_by_buyer(
                order=order,
                buyer=request.user,
                ticket_ids=tickets,
                expected_refund=data.validated_data.get("expected_refund"),
                now=timezone.now(),
            )
        return Response(OrderDetailOutput(order_get_for_buyer(buyer=request.user, code=code)).data)


class TicketListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = TicketOutput
    filterset_fields = ["status", "event"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        return ticket_list_for_owner(owner=self.request.user)


class TicketDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TicketOutput})
    def get(self, request, pk):
        return Response(TicketOutput(ticket_get_for_owner(owner=request.user, pk=pk)).data)
