"""Tickets built directly as rows (an order and its tickets), so check-in tests stay fast and can put a
ticket in any state. ``test_services`` also admits a ticket bought through the real booking services."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Event, EventStaff, TicketType
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Order, Ticket
from tickets.signing import ticket_code

_serials = itertools.count(1)


def event_soon(**kwargs) -> Event:
    """A published event starting in an hour: check-in is open."""
    return EventFactory(starts_at=timezone.now() + timedelta(hours=1), **kwargs)


def ticket_issued(
    *,
    event: Event | None = None,
    ticket_type: TicketType | None = None,
    status: str = Ticket.Status.VALID,
    version: int = 1,
    name: str = "Ada Lovelace",
) -> Ticket:
    """One ticket of a paid order (or of an order matching ``status``)."""
    ticket_type = ticket_type or TicketTypeFactory(event=event or event_soon())
    event = ticket_type.event
    order_status = {
        Ticket.Status.VALID: Order.Status.PAID,
        Ticket.Status.UNPAID: Order.Status.PENDING,
        Ticket.Status.CANCELLED: Order.Status.CANCELLED,
        Ticket.Status.REFUNDED: Order.Status.REFUNDED,
    }[status]
    order = Order.objects.create(
        buyer=UserFactory(),
        event=event,
        status=order_status,
        currency=event.currency,
        subtotal=Decimal("25.00"),
        total=Decimal("25.00"),
        expires_at=timezone.now() + timedelta(minutes=15),
    )
    return Ticket.objects.create(
        order=order,
        event=event,
        ticket_type=ticket_type,
        attendee_name=name,
        price=Decimal("25.00"),
        serial=f"EH-2026-T{next(_serials):05d}",
        status=status,
        version=version,
    )


def code_of(ticket: Ticket, *, version: int | None = None) -> str:
    """The signed QR payload of ``ticket`` (of an older ``version`` when given)."""
    return ticket_code(
        event_id=ticket.event_id,
        ticket_id=ticket.pk,
        ticket_type_id=ticket.ticket_type_id,
        version=ticket.version if version is None else version,
    )


def gate_staff(event: Event, **kwargs):
    """A user (attendee role) assigned as gate staff of ``event``."""
    user = UserFactory(**kwargs)
    EventStaff.objects.create(event=event, user=user, added_by=event.organizer)
    return user
