"""Reads of payments, always scoped to who may see them. Unauthorised objects are NotFound (404)."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from core.errors import NotFound
from payments.models import Payment, Refund
from tickets.models import Order, Ticket


def _payments() -> QuerySet[Payment]:
    return (
        Payment.objects.select_related("order", "order__event")
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "pk")))
        .order_by("-created_at", "-pk")
    )


def payment_list_for_buyer(*, buyer: User) -> QuerySet[Payment]:
    """Payments of the buyer's own orders."""
    return _payments().filter(order__buyer=buyer)


def payment_list_for_user(*, user_id: int, viewer: User) -> QuerySet[Payment]:
    """A user's payments, for themselves or an admin. Raises: NotFound."""
    if viewer.pk != user_id and not viewer.is_admin:
        raise NotFound()
    if not User.objects.filter(pk=user_id).exists():
        raise NotFound()
    return _payments().filter(order__buyer_id=user_id)


def payment_list_for_ticket(*, ticket_id: int, viewer: User) -> QuerySet[Payment]:
    """Payments of a ticket's order, for its buyer, the event's organizer or an admin. Raises: NotFound."""
    ticket = Ticket.objects.select_related("order", "event").filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    if not (viewer.is_admin or viewer.pk in (ticket.order.buyer_id, ticket.event.organizer_id)):
        raise NotFound()
    return _payments().filter(order_id=ticket.order_id)


def payment_get_awaiting_action(*, order: Order) -> Payment:
    """The order's payment waiting for the buyer's 3-D Secure step. Raises: NotFound."""
    payment = (
        order.payments.filter(status=Payment.Status.REQUIRES_ACTION).select_related("order").order_by("-pk").first()
    )
    if payment is None:
        raise NotFound()
    return payment
