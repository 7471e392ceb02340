"""Reads for dynamic pricing: recent sales (demand rules), price history, and what the beat task re-prices."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import QuerySet, Sum

from events.models import Event, PriceChange, TicketType
from tickets.models import Order, OrderLine

DEMAND_WINDOW = timedelta(hours=1)


def sales_last_hour_by_type(*, ticket_types: Iterable[TicketType], now: datetime) -> dict[int, int]:
    """Tickets of these types in orders paid during the hour before ``now``, by ticket type (one query).

    Only types with sales appear. The event filter lets PostgreSQL use the (event, paid_at) index.
    """
    ticket_types = list(ticket_types)
    if not ticket_types:
        return {}
    rows = (
        OrderLine.objects.filter(
            order__event_id__in={ticket_type.event_id for ticket_type in ticket_types},
            order__status=Order.Status.PAID,
            order__paid_at__gt=now - DEMAND_WINDOW,
            order__paid_at__lte=now,
            ticket_type_id__in=[ticket_type.pk for ticket_type in ticket_types],
        )
        .order_by()
        .values("ticket_type_id")
        .annotate(quantity=Sum("quantity"))
        .values_list("ticket_type_id", "quantity")
    )
    return dict(rows)


def price_change_list_for_ticket_type(*, ticket_type: TicketType, limit: int = 50) -> list[PriceChange]:
    """The latest price changes of a ticket type, newest first."""
    return list(PriceChange.objects.filter(ticket_type=ticket_type).order_by("-at", "-id")[:limit])


def price_change_list_for_event(*, event: Event) -> QuerySet[PriceChange]:
    """Every price change of the event's ticket types, oldest first (analytics, CSV)."""
    return (
        PriceChange.objects.filter(ticket_type__event=event)
        .select_related("ticket_type")
        .order_by("ticket_type_id", "at", "id")
    )


def ticket_types_to_reprice(*, now: datetime) -> QuerySet[TicketType]:
    """Ticket types with dynamic pricing of published events that have not ended, with their event."""
    return (
        TicketType.objects.filter(dynamic_pricing=True, event__status=Event.Status.PUBLISHED, event__ends_at__gt=now)
        .select_related("event")
        .order_by("pk")
    )
