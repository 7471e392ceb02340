"""Reads of holds, orders and tickets, always scoped to their owner; and the seat map as a buyer picks from it."""

from collections.abc import Collection
from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound
from events.models import Event, Seat
from events.selectors.public import TicketOffer, event_ticket_offers
from events.selectors.seating import SEAT_AVAILABLE, price_display, seat_ids_taken, seat_map_layout
from tickets.models import Hold, Order, OrderLine, Ticket, TicketTransfer
from tickets.selectors_promo import promo_code_unlocked_type_ids


def hold_get_for_buyer(*, buyer: User, public_id) -> Hold:
    """Raises: NotFound for someone else's hold or an unknown id."""
    hold = Hold.objects.filter(buyer=buyer, public_id=public_id).select_related("event").first()
    if hold is None:
        raise NotFound()
    return hold


def order_list_for_buyer(*, buyer: User) -> QuerySet[Order]:
    return (
        Order.objects.filter(buyer=buyer)
        .select_related("event", "event__venue")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("ticket_type")))
        .order_by("-created_at")
    )


def _tickets_as_buyer_sees_them(buyer: User) -> QuerySet[Ticket]:
    """An order's tickets, each with ``transferred_away`` (someone else holds it now) and ``transferred_to``
    (the address the buyer sent it to)."""
    sent_to = TicketTransfer.objects.filter(
        ticket=OuterRef("pk"), from_user=buyer, status=TicketTransfer.Status.ACCEPTED
    ).order_by("-accepted_at")
    return Ticket.objects.select_related("ticket_type", "seat__row__section").annotate(
        transferred_away=ExpressionWrapper(Q(holder__isnull=False), output_field=BooleanField()),
        transferred_to=Subquery(sent_to.values("to_email")[:1]),
    )


def order_get_for_buyer(*, buyer: User, code: str) -> Order:
    """Raises: NotFound for someone else's order."""
    order = (
        order_list_for_buyer(buyer=buyer)
        .prefetch_related(Prefetch("tickets", queryset=_tickets_as_buyer_sees_them(buyer)))
        .filter(code=code.upper())
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def ticket_owner_q(user: User) -> Q:
    """Tickets ``user`` holds: transferred to them, or bought by them and not transferred away."""
    return Q(holder=user) | Q(holder__isnull=True, order__buyer=user)


def ticket_list_for_owner(*, owner: User) -> QuerySet[Ticket]:
    """Tickets the owner holds (see ``ticket_owner_q``), of paid or pending orders."""
    return (
        Ticket.objects.filter(ticket_owner_q(owner))
        .exclude(status=Ticket.Status.CANCELLED, order__status=Order.Status.EXPIRED)
        .select_related("event", "event__venue", "ticket_type", "order", "seat__row__section")
        .order_by("event__starts_at", "id")
    )


def ticket_get_for_owner(*, owner: User, pk: int) -> Ticket:
    """Raises: NotFound for someone else's ticket."""
    ticket = ticket_list_for_owner(owner=owner).filter(pk=pk).first()
    if ticket is None:
        raise NotFound()
    return ticket


def seat_map_for_buyer(*, event: Event, now: datetime, code: str = "") -> dict | None:
    """The event's seat map for choosing seats, or None when the event has none.

    ``seat_map_layout`` with sold and live-held seats taken, and on top: each zone's ``on_sale`` and its price
    right now (dynamic pricing, as the hold will charge it); each section's ``on_sale``; each seat's
    ``pickable`` (available in a zone on sale) and ``pick_label`` (what a screen reader announces).
    Hidden ticket types count as on sale only when ``code`` unlocks them.
    """
    layout = seat_map_layout(event=event, taken_seat_ids=seat_ids_taken(event=event, now=now))
    if layout is None:
        return None
    unlocked = promo_code_unlocked_type_ids(event=event, code=code, now=now)
    offers = {
        offer.ticket_type.pk: offer
        for offer in event_ticket_offers(event=event, now=now, code=code, unlocked_ids=unlocked)
    }
    for zone in layout["zones"]:
        offer = offers.get(zone["id"])
        zone["on_sale"] = offer is not None and offer.state == TicketOffer.State.ON_SALE
        if offer is not None:
            zone["price"], zone["price_display"] = offer.price, price_display(offer.price, event.currency)
    pick_label = _("Row %(row)s seat %(number)s, %(section)s, %(price)s")
    for section in layout["sections"]:
        zone = section["zone"]
        section["on_sale"] = bool(zone and zone["on_sale"])
        for row in section["rows"]:
            for seat in row["seats"]:
                seat["pickable"] = section["on_sale"] and seat["state"] == SEAT_AVAILABLE
                seat["pick_label"] = seat["label"]
                if seat["pickable"]:
                    names = {"row": row["label"], "number": seat["number"], "section": section["name"]}
                    seat["pick_label"] = pick_label % {**names, "price": zone["price_display"]}
    return layout


def seat_zones_for_event(*, event: Event, seat_ids: Collection[int]) -> dict[int, int | None]:
    """Seat id → the ticket type (price zone) of its section, for the seats of this event's map only."""
    seats = Seat.objects.filter(pk__in=seat_ids, row__section__seat_map__event=event)
    return dict(seats.values_list("pk", "row__section__ticket_type_id"))
