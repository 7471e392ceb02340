"""Reads for cancellations and refunds: what a buyer may cancel and would get back, an order's refunds, and
what cancelling an event would refund."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from accounts.models import User
from checkin.models import CheckIn
from events.models import Event
from payments.models import Payment, Refund
from tickets.models import Order, Ticket
from tickets.refund_policy import ZERO, Quote, ScheduleRow, refund_schedule
from tickets.services.cancellations import KEPT, cancellation_quote, order_refundable, ticket_held_by_buyer


@dataclass(frozen=True)
class TicketChoice:
    """One ticket of the order on the cancellation page; ``note`` says why it cannot be cancelled."""

    ticket: Ticket
    cancellable: bool
    selected: bool
    note: str = ""


@dataclass(frozen=True)
class CancellationOptions:
    order: Order
    event: Event
    choices: list[TicketChoice]
    quote: Quote  # for the selected tickets
    schedule: list[ScheduleRow]
    fee: Decimal
    is_free: bool
    allowed: bool  # something can be cancelled now
    message: str  # why nothing can be cancelled (when not allowed)

    @property
    def selected_ids(self) -> list[int]:
        return [choice.ticket.pk for choice in self.choices if choice.selected]


def order_cancellation_options(
    *, order: Order, buyer: User, selected_ids: Collection[int] | None, now: datetime
) -> CancellationOptions:
    """What the buyer may cancel of their order now and what the selection gives back (``selected_ids``
    None: every ticket they may cancel). ``order`` comes from ``order_get_for_buyer``."""
    event = order.event
    tickets = sorted(order.tickets.all(), key=lambda ticket: ticket.pk)
    used = set(CheckIn.objects.filter(ticket__order=order).values_list("ticket_id", flat=True))
    payments = list(Payment.objects.filter(order=order, status__in=KEPT).order_by("pk"))
    refundable = order_refundable(payments=payments)
    wanted = None if selected_ids is None else {int(pk) for pk in selected_ids}
    choices = []
    for ticket in tickets:
        note = ""
        if ticket.status in (Ticket.Status.REFUNDED, Ticket.Status.CANCELLED):
            note = ticket.get_status_display()
        elif ticket.status != Ticket.Status.VALID:
            note = _("Not paid")
        elif ticket.pk in used:
            note = _("Used at the entrance")
        elif not ticket_held_by_buyer(ticket, buyer):
            note = _("Transferred to someone else")
        cancellable = not note and order.status == Order.Status.PAID
        selected = cancellable and (wanted is None or ticket.pk in wanted)
        choices.append(TicketChoice(ticket=ticket, cancellable=cancellable, selected=selected, note=note))
    selected = [choice.ticket for choice in choices if choice.selected]
    quote = cancellation_quote(
        order=order, event=event, tickets=tickets, selected=selected, refundable=refundable, now=now
    )
    allowed, message = quote.cancellable, quote.description
    if order.status == Order.Status.PENDING:
        allowed, message = False, _("This order is not paid yet. You can simply leave it: it expires on its own.")
    elif order.status != Order.Status.PAID:
        allowed, message = False, _("This order has no tickets left to cancel.")
    elif not any(choice.cancellable for choice in choices):
        allowed, message = False, _("None of the tickets of this order can be cancelled.")
    return CancellationOptions(
        order=order,
        event=event,
        choices=choices,
        quote=quote,
        schedule=refund_schedule(policy_tiers=event.refund_policy, starts_at=event.starts_at),
        fee=event.refund_fee,
        is_free=order.total <= 0,
        allowed=allowed,
        message="" if allowed else message,
    )


def order_refund_list(*, order: Order) -> list[Refund]:
    """The refunds of an order's payments, newest first."""
    return list(Refund.objects.filter(payment__order=order).select_related("payment").order_by("-created_at", "-pk"))


def order_refund_summary(*, order: Order, buyer: User, now: datetime) -> dict:
    """For the order page: its refunds, whether it is partially refunded, and whether the buyer may cancel."""
    refunds = order_refund_list(order=order)
    gone = any(ticket.status in (Ticket.Status.REFUNDED, Ticket.Status.CANCELLED) for ticket in order.tickets.all())
    can_cancel = False
    if order.status == Order.Status.PAID:
        can_cancel = order_cancellation_options(order=order, buyer=buyer, selected_ids=None, now=now).allowed
    return {
        "refunds": refunds,
        "refunded_total": sum((r.amount for r in refunds if r.status != Refund.Status.FAILED), ZERO),
        "partially_refunded": order.status == Order.Status.PAID
        and (gone or any(r.status != Refund.Status.FAILED for r in refunds)),
        "can_cancel": can_cancel,
    }


@dataclass(frozen=True)
class EventCancellationPreview:
    paid_orders: int
    pending_orders: int
    refund_total: Decimal
    currency: str


def event_cancellation_preview(*, event: Event) -> EventCancellationPreview:
    """What cancelling the event would do: paid orders refunded in full (and their total), unpaid ones cancelled."""
    counts = {
        row["status"]: row["n"]
        for row in Order.objects.filter(event=event, status__in=[Order.Status.PAID, Order.Status.PENDING])
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    payments = Payment.objects.filter(order__event=event, order__status=Order.Status.PAID, status__in=KEPT)
    paid = payments.aggregate(total=Sum("amount"))["total"] or ZERO
    refunded = (
        Refund.objects.filter(payment__in=payments)
        .exclude(status=Refund.Status.FAILED)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    return EventCancellationPreview(
        paid_orders=counts.get(Order.Status.PAID, 0),
        pending_orders=counts.get(Order.Status.PENDING, 0),
        refund_total=paid - refunded,
        currency=event.currency,
    )
