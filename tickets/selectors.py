"""Reads of holds, orders and tickets, always scoped to their owner."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from core.errors import NotFound
from tickets.models import Hold, Order, OrderLine, Ticket


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


def order_get_for_buyer(*, buyer: User, code: str) -> Order:
    """Raises: NotFound for someone else's order."""
    order = (
        order_list_for_buyer(buyer=buyer)
        .prefetch_related(
            Prefetch("tickets", queryset=Ticket.objects.select_related("ticket_type", "seat__row__section"))
        )
        .filter(code=code.upper())
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def ticket_list_for_owner(*, owner: User) -> QuerySet[Ticket]:
    """Tickets of the owner's paid or pending orders."""
    return (
        Ticket.objects.filter(order__buyer=owner)
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
