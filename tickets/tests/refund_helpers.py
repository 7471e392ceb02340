"""Paid orders for cancellation and refund tests, made through the booking and payment services."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Event, TicketType
from events.tests.factories import EventFactory, TicketTypeFactory
from payments.services.payments import payment_pay_simulated
from tickets.models import Order
from tickets.services.cancellations import order_cancel_by_buyer
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout

CARD_OK = "4242424242424242"
POLICY = [{"hours_before": 168, "percent": 100}, {"hours_before": 48, "percent": 50}]


def refundable_event(
    *, policy: Sequence[dict] | None = POLICY, fee: str = "0", starts_in: timedelta = timedelta(days=10), **kwargs
) -> Event:
    """A published event with a refund policy (100 % until 7 days before, 50 % until 48 h, then none)."""
    now = timezone.now()
    return EventFactory(
        starts_at=now + starts_in,
        ends_at=now + starts_in + timedelta(hours=3),
        refund_policy=list(policy or []),
        refund_fee=Decimal(fee),
        **kwargs,
    )


def ticket_type_for(event: Event | None = None, *, price: str = "20.00", capacity: int = 10) -> TicketType:
    return TicketTypeFactory(event=event or refundable_event(), price=Decimal(price), capacity=capacity)


def paid_order(
    *,
    ticket_type: TicketType | None = None,
    quantity: int = 2,
    buyer=None,
    now: datetime | None = None,
    seat_ids: Sequence[int] = (),
) -> Order:
    """A paid order (through the simulated card when it costs something)."""
    ticket_type = ticket_type or ticket_type_for()
    buyer = buyer or UserFactory()
    now = now or timezone.now()
    line = LineRequest(ticket_type.pk, 0 if seat_ids else quantity, tuple(seat_ids))
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[line], now=now)
    count = len(seat_ids) or quantity
    order = order_checkout(
        hold=hold, buyer=buyer, attendee_names=[f"Guest {index + 1}" for index in range(count)], now=now
    )
    if order.status == Order.Status.PENDING:
        payment_pay_simulated(order=order, card_number=CARD_OK, now=now)
    order.refresh_from_db()
    return order


def pending_order(*, ticket_type: TicketType, quantity: int = 1, buyer=None) -> Order:
    buyer, now = buyer or UserFactory(), timezone.now()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, quantity)], now=now)
    return order_checkout(hold=hold, buyer=buyer, attendee_names=["Guest"] * quantity, now=now)


def cancel(order, ticket_ids=None, *, buyer=None, now=None, **kwargs):
    return order_cancel_by_buyer(
        order=order, buyer=buyer or order.buyer, ticket_ids=ticket_ids, now=now or timezone.now(), **kwargs
    )


def statuses(order):
    return list(order.tickets.order_by("pk").values_list("status", flat=True))
