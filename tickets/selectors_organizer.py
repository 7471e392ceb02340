"""Reads of one event's bookings for its organizer: orders, attendees (tickets) and their totals.

``event`` always comes from ``events.selectors.organizer.event_get_for_organizer``, so these never reach
another organizer's bookings. Every list is a single query whatever its length (no per-row lookups).
"""

from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from events.models import Event
from tickets.models import Order, Ticket

SEARCH_MAX_LENGTH = 100
ORDER_FIELDS = (
    "id", "code", "status", "currency", "subtotal", "discount", "total", "created_at", "paid_at",
    "buyer__id", "buyer__name", "buyer__email",
)  # fmt: skip


def _ticket_count() -> Subquery:
    tickets = Ticket.objects.filter(order=OuterRef("pk")).order_by().values("order").annotate(n=Count("pk"))
    return Coalesce(Subquery(tickets.values("n"), output_field=IntegerField()), Value(0))


def order_list_for_event(*, event: Event, search: str = "", status: str = "") -> QuerySet[Order]:
    """The event's orders, newest first, with their buyer and ``tickets_count``.

    ``search`` matches the order code, the buyer's e-mail or name, and the attendee names and serials of the
    order's tickets; ``status`` is one of Order.Status (anything else is ignored).
    """
    orders = Order.objects.filter(event=event)
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    search = search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        tickets = Ticket.objects.filter(order=OuterRef("pk")).filter(
            Q(attendee_name__icontains=search) | Q(serial__icontains=search)
        )
        orders = orders.filter(
            Q(code__icontains=search)
            | Q(buyer__email__icontains=search)
            | Q(buyer__name__icontains=search)
            | Exists(tickets)
        )
    return (
        orders.select_related("buyer")
        .only(*ORDER_FIELDS)
        .annotate(tickets_count=_ticket_count())
        .order_by("-created_at", "-id")
    )


def ticket_list_for_event(*, event: Event, search: str = "", status: str = "") -> QuerySet[Ticket]:
    """The event's tickets (one per attendee), newest order first, with type, seat, order and buyer.

    ``search`` matches the serial, the attendee name, the order code and the buyer's e-mail or name;
    ``status`` is one of Ticket.Status (anything else is ignored).
    """
    tickets = Ticket.objects.filter(event=event)
    if status in Ticket.Status.values:
        tickets = tickets.filter(status=status)
    search = search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        tickets = tickets.filter(
            Q(serial__icontains=search)
            | Q(attendee_name__icontains=search)
            | Q(order__code__icontains=search)
            | Q(order__buyer__email__icontains=search)
            | Q(order__buyer__name__icontains=search)
        )
    return tickets.select_related("ticket_type", "seat__row__section", "order__buyer", "holder").order_by(
        "-order__created_at", "-order_id", "id"
    )


def booking_summary_for_event(*, event: Event) -> dict:
    """The event's booking totals in two queries.

    ``orders`` and ``tickets`` count each status (every status present, zero when none), ``gross`` is the
    total of the paid orders, and ``tickets_sold`` the valid tickets.
    """
    order_counts = {status: Count("pk", filter=Q(status=status)) for status in Order.Status.values}
    orders = Order.objects.filter(event=event).aggregate(
        **order_counts, gross=Sum("total", filter=Q(status=Order.Status.PAID), default=Decimal("0"))
    )
    ticket_counts = {status: Count("pk", filter=Q(status=status)) for status in Ticket.Status.values}
    tickets = Ticket.objects.filter(event=event).aggregate(**ticket_counts)
    gross = orders.pop("gross")
    return {
        "orders": orders,
        "tickets": tickets,
        "orders_total": sum(orders.values()),
        "tickets_total": sum(tickets.values()),
        "paid_orders": orders[Order.Status.PAID],
        "pending_orders": orders[Order.Status.PENDING],
        "tickets_sold": tickets[Ticket.Status.VALID],
        "gross": gross,
        "currency": event.currency,
    }
