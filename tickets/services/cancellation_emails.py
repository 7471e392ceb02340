"""E-mails about cancellations, rendered into the outbox in the caller's transaction (sent after commit).

The refund itself is announced separately (``refund_issued``) once the provider has sent the money back.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from events.models import Event
from notifications.services import email_queue
from tickets.models import Order, Ticket


def _context(order: Order, event: Event) -> dict:
    starts = timezone.localtime(event.starts_at, event.tz)
    return {
        "name": order.buyer.name,
        "order_code": order.code,
        "order_url": settings.SITE_URL + reverse("tickets:order_detail", args=[order.code]),
        "event_title": event.title,
        "event_starts": f"{formats.date_format(starts, 'DATETIME_FORMAT')} ({event.timezone})",
        "currency": order.currency,
    }


def order_cancelled_queue(*, order: Order, tickets: Sequence[Ticket], refund_amount: Decimal) -> None:
    """Confirm to the buyer which tickets they cancelled and what comes back."""
    order = Order.objects.select_related("buyer", "event").get(pk=order.pk)
    context = {
        **_context(order, order.event),
        "tickets": [{"serial": ticket.serial, "attendee_name": ticket.attendee_name} for ticket in tickets],
        "refund_amount": refund_amount,
        "whole_order": order.status != Order.Status.PAID,
    }
    email_queue(to=order.buyer.email, template="order_cancelled", context=context)


def event_cancelled_queue(*, order: Order, event: Event, refund_amount: Decimal, was_paid: bool) -> None:
    """Tell the buyer, and everyone a ticket of the order was transferred to, that the event is cancelled."""
    order = Order.objects.select_related("buyer").get(pk=order.pk)
    context = {
        **_context(order, event),
        "reason": event.cancellation_reason,
        "refund_amount": refund_amount,
        "was_paid": was_paid,
        "is_buyer": True,
    }
    email_queue(to=order.buyer.email, template="event_cancelled", context=context)
    holders = (
        Ticket.objects.filter(order=order, holder__isnull=False)
        .exclude(holder=order.buyer)
        .values_list("holder__email", "holder__name")
        .distinct()
    )
    for email, name in holders:
        email_queue(to=email, template="event_cancelled", context={**context, "name": name, "is_buyer": False})
