"""Bookings made through the booking services (hold → checkout → paid), so every counter stays consistent."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Seat, TicketType
from events.services.seat_maps import SectionSpec, seat_map_generate
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Order, PromoCode
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout, order_mark_paid


def order_booked(
    *,
    ticket_type: TicketType,
    buyer=None,
    names: Sequence[str] = ("Guest",),
    seat_ids: Sequence[int] = (),
    paid: bool = True,
    now: datetime | None = None,
    promo_code: str = "",
) -> Order:
    """An order for ``len(names)`` tickets of one type (on ``seat_ids`` when given), paid unless told otherwise."""
    buyer = buyer or UserFactory()
    now = now or timezone.now()
    line = LineRequest(ticket_type.pk, 0 if seat_ids else len(names), tuple(seat_ids))
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[line], now=now)
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=list(names), now=now, promo_code=promo_code)
    if paid and order.status == Order.Status.PENDING:
        order = order_mark_paid(order_id=order.pk, now=now).order
    return order


def seated_event(*, zones: Sequence[tuple[str, str]] = (("Stalls", "40.00"),), rows: int = 2, seats_per_row: int = 4):
    """A published event whose seat map has one section per (name, price) zone. Returns (event, ticket types)."""
    event = EventFactory()
    ticket_types = [
        TicketTypeFactory(event=event, name=name, price=Decimal(price), capacity=0) for name, price in zones
    ]
    seat_map_generate(
        event=event,
        sections=[SectionSpec(f"{tt.name} section", rows, seats_per_row, tt) for tt in ticket_types],
        actor=event.organizer,
        now=timezone.now(),
    )
    return event, [TicketType.objects.get(pk=tt.pk) for tt in ticket_types]


def seats_of(ticket_type: TicketType) -> list[int]:
    """The seat ids of a price zone, front row first."""
    seats = Seat.objects.filter(row__section__ticket_type=ticket_type).order_by("row__position", "position")
    return list(seats.values_list("pk", flat=True))


class PromoCodeFactory(factory.django.DjangoModelFactory):
    """A promo code written directly (for tests of using codes); ``promo_code_create`` is tested on its own."""

    class Meta:
        model = PromoCode

    event = factory.SubFactory(EventFactory)
    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = PromoCode.Kind.PERCENT
    value = Decimal("10")
