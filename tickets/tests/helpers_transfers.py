"""Shared steps of the reissue and transfer tests."""

from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Ticket, TicketTransfer
from tickets.services.transfers import transfer_offer
from tickets.tests.factories import order_booked


def a_ticket(*, buyer=None, event=None, name="Amara Okafor", **event_kwargs) -> Ticket:
    """One paid ticket of ``buyer`` (a new attendee by default) for ``event`` (by default one a week away)."""
    event = event or EventFactory(**event_kwargs)
    ticket_type = TicketTypeFactory(event=event)
    order = order_booked(ticket_type=ticket_type, buyer=buyer or UserFactory(name=name), names=[name])
    return order.tickets.select_related("order", "event").get()


def offer(
    ticket, *, sender=None, to_email="ben@example.com", to_name="Ben Adeyemi", now=None, **kwargs
) -> TicketTransfer:
    """``transfer_offer`` from the buyer; the result carries ``token``."""
    return transfer_offer(
        ticket=ticket,
        sender=sender or ticket.order.buyer,
        to_email=to_email,
        to_name=to_name,
        now=now or timezone.now(),
        **kwargs,
    )
