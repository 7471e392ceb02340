"""E-mails about payments, rendered into the outbox in the caller's transaction (sent after commit)."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from notifications.services import email_queue
from payments.models import Payment, Refund
from tickets.files import ticket_attachments
from tickets.models import Order


def _order_context(order: Order) -> dict:
    event = order.event
    starts = timezone.localtime(event.starts_at, event.tz)
    venue = f"{event.venue.name}, {event.venue.city}" if event.venue_id else ""
    return {
        "name": order.buyer.name,
        "order_code": order.code,
        "order_url": settings.SITE_URL + reverse("tickets:order_detail", args=[order.code]),
        "event_title": event.title,
        "event_starts": f"{formats.date_format(starts, 'DATETIME_FORMAT')} ({event.timezone})",
        "venue": venue,
        "currency": order.currency,
    }


def _seat_label(ticket) -> str:
    if not ticket.seat_id:
        return ""
    seat = ticket.seat
    return f"{seat.row.section.name}, row {seat.row.label}, seat {seat.number}"


def order_confirmation_queue(*, order_id: int) -> None:
    """E-mail the buyer their paid order with one line per ticket (serial, attendee, ticket type, seat)."""
    order = Order.objects.select_related("buyer", "event", "event__venue").get(pk=order_id)
    tickets = order.tickets.select_related("ticket_type", "seat__row__section").order_by("id")
    context = {
        **_order_context(order),
        "total": order.total,
        "discount": order.discount,
        "discount_label": order.discount_label,
        "tickets": [
            {
                "serial": ticket.serial,
                "attendee_name": ticket.attendee_name,
                "ticket_type": ticket.ticket_type.name,
                "seat": _seat_label(ticket),
            }
            for ticket in tickets
        ],
    }
    email_queue(
        to=order.buyer.email, template="order_confirmed", context=context, attachments=ticket_attachments(tickets)
    )


def paid_too_late_queue(*, payment: Payment) -> None:
    """Tell the buyer their payment came after the tickets were gone (or the event was cancelled), and that it
    is being refunded."""
    order = Order.objects.select_related("buyer", "event", "event__venue").get(pk=payment.order_id)
    context = {
        **_order_context(order),
        "amount": payment.amount,
        "event_cancelled": order.event.status == order.event.Status.CANCELLED,
    }
    email_queue(to=order.buyer.email, template="payment_failed_refunded", context=context)


def refund_issued_queue(*, refund: Refund) -> None:
    """Tell the buyer a refund went through."""
    order = Order.objects.select_related("buyer", "event", "event__venue").get(pk=refund.payment.order_id)
    context = {**_order_context(order), "amount": refund.amount, "currency": refund.payment.currency}
    email_queue(to=order.buyer.email, template="refund_issued", context=context)
