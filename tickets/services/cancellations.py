"""Cancelling tickets of paid orders, with their refunds: by the buyer under the event's refund policy, by an
admin for any amount, and every order of a cancelled event in full.

Cancelled tickets stop working at once (their status is what the gate checks) and their capacity and seats go
back on sale in the same transaction; the money goes back through ``payments`` (a pending Refund row, sent
to the provider by the refund job after commit). An order left without valid tickets is refunded (or, when
it was free, cancelled) and ``order_after_refunded`` runs once, on every one of these paths.

Lock order (tickets/locks.py, payments/locks.py): the order → its payments (pk order) → capacity pools →
ticket types (pk order).
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from checkin.models import CheckIn
from core.errors import NotFound
from core.services import audit_record
from events.models import Event
from payments import locks as payment_locks
from payments.errors import NothingToRefund, RefundExceedsPayment
from payments.models import Payment, Refund
from payments.services.refunds import payment_refund_committed, refund_create_locked
from tickets.errors import CancellationNotAllowed, InvalidSelection, RefundQuoteChanged, TicketAlreadyUsed
from tickets.models import Application, Hold, Order, Ticket
from tickets.refund_policy import ZERO, Quote, refund_basis, refund_quote
from tickets.services.cancellation_emails import event_cancelled_queue, order_cancelled_queue
from tickets.services.holds import hold_release
from tickets.services.orders import order_after_refunded, order_cancel_unpaid, tickets_release_locked

KEPT = [Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED]
GONE = [Ticket.Status.REFUNDED, Ticket.Status.CANCELLED]


@dataclass(frozen=True)
class CancellationResult:
    """What one cancellation did. ``repeated``: these tickets were cancelled already (a double submit), so
    nothing changed and ``refunds`` are empty."""

    order: Order
    tickets: list[Ticket]
    refunds: list[Refund] = field(default_factory=list)
    quote: Quote | None = None
    repeated: bool = False

    @property
    def refund_amount(self) -> Decimal:
        return sum((refund.amount for refund in self.refunds), ZERO)


def cancellation_quote(
    *, order: Order, event: Event, tickets: Sequence[Ticket], selected: Sequence[Ticket], refundable: Decimal, now
) -> Quote:
    """What the buyer gets back for cancelling ``selected`` of the order's ``tickets`` now (no queries).

    ``refundable`` is what is left of the order's payments; the quote never exceeds it.
    """
    if event.status == Event.Status.CANCELLED:
        return Quote(0, ZERO, ZERO, _("This event was cancelled: every order is refunded in full."), None, False)
    if order.total <= 0:
        if now >= event.starts_at:
            return Quote(0, ZERO, ZERO, _("The event has started, so tickets can no longer be cancelled."), None, False)
        return Quote(
            100, ZERO, ZERO, _("Free tickets can be given back until the event starts."), event.starts_at, True
        )
    gone_before = sum((ticket.price for ticket in tickets if ticket.status in GONE), ZERO)
    basis = refund_basis(
        total=order.total,
        prices_total=sum((ticket.price for ticket in tickets), ZERO),
        gone_before=gone_before,
        selected=sum((ticket.price for ticket in selected), ZERO),
    )
    quote = refund_quote(
        policy_tiers=event.refund_policy, fee=event.refund_fee, amount=basis, starts_at=event.starts_at, now=now
    )
    if quote.refund_amount > refundable:
        quote = replace(quote, refund_amount=max(refundable, ZERO))
    return quote


def ticket_held_by_buyer(ticket: Ticket, buyer: User) -> bool:
    """Whether the buyer still holds the ticket (not transferred to someone else): only then may they cancel it."""
    return ticket.holder_id in (None, buyer.pk)


def order_refundable(*, payments: Sequence[Payment]) -> Decimal:
    """What is left to refund of these payments (those that took money)."""
    return sum(
        (payment.amount - payment_refund_committed(payment=payment) for payment in payments if payment.status in KEPT),
        ZERO,
    )


def _refunds_create_locked(
    *, payments: Sequence[Payment], amount: Decimal, kind: str, reason: str, actor: User | None, now: datetime
) -> list[Refund]:
    """Refund ``amount`` from the order's locked payments, oldest first, each up to what is left of it."""
    refunds, left = [], amount
    for payment in payments:
        if left <= 0:
            break
        part = min(left, payment.amount - payment_refund_committed(payment=payment))
        if part > 0:
            refunds.append(
                refund_create_locked(payment=payment, amount=part, kind=kind, now=now, reason=reason, actor=actor)
            )
            left -= part
    if left > 0:
        raise RefundExceedsPayment()
    return refunds


def _order_close_if_empty_locked(*, order: Order, now: datetime) -> bool:
    """A paid order left without valid tickets is refunded (cancelled when it was free); runs the
    ``order_after_refunded`` hook once. Returns whether the order was closed."""
    if order.status != Order.Status.PAID or order.tickets.filter(status=Ticket.Status.VALID).exists():
        return False
    order.status = Order.Status.REFUNDED if order.total > 0 else Order.Status.CANCELLED
    order.cancelled_at = now
    order.save(update_fields=["status", "cancelled_at", "updated_at"])
    order_after_refunded(order=order, now=now)
    return True


def _ticket_status_after(order: Order) -> str:
    return Ticket.Status.REFUNDED if order.total > 0 else Ticket.Status.CANCELLED


def _selection(order: Order, ticket_ids: Collection[int] | None) -> tuple[list[Ticket], set[int] | None]:
    """The order's tickets, locked (pk order) so a scan at the gate cannot admit one while it is cancelled."""
    tickets = list(order.tickets.select_for_update(no_key=True).order_by("pk"))
    wanted = {int(pk) for pk in ticket_ids} if ticket_ids else None
    if wanted is not None and not wanted <= {ticket.pk for ticket in tickets}:
        raise InvalidSelection(_("Some of these tickets are not part of this order."))
    return tickets, wanted


@transaction.atomic(durable=True)
def order_cancel_by_buyer(
    *,
    order: Order,
    buyer: User,
    ticket_ids: Collection[int] | None,
    now: datetime,
    expected_refund: Decimal | None = None,
) -> CancellationResult:
    """Cancel the buyer's paid order (``ticket_ids`` None or empty: all its valid tickets) or some of its
    tickets, refunding what the event's refund policy gives (see tickets.refund_policy).

    The tickets stop working at once; their capacity and seats return to sale; the refund is sent to the
    provider after commit. Submitting the same cancellation again changes nothing (``repeated``). With
    ``expected_refund`` (the amount the buyer was shown) a different amount now is refused.
    Locks: the order, its tickets, its payments (pk order), then the tickets' pools and ticket types (pk order).
    Raises: NotFound (not the buyer's order), InvalidSelection, TicketAlreadyUsed, CancellationNotAllowed,
    RefundQuoteChanged, Busy.
    """
    order = payment_locks.order_for_update(order_id=order.pk)
    if order is None or order.buyer_id != buyer.pk:
        raise NotFound()
    tickets, wanted = _selection(order, ticket_ids)
    already_gone = wanted is not None and all(ticket.status in GONE for ticket in tickets if ticket.pk in wanted)
    if already_gone and order.status in (Order.Status.PAID, Order.Status.REFUNDED, Order.Status.CANCELLED):
        return CancellationResult(order=order, tickets=[t for t in tickets if t.pk in wanted], repeated=True)
    if wanted is None and order.status in (Order.Status.REFUNDED, Order.Status.CANCELLED) and order.paid_at:
        return CancellationResult(order=order, tickets=[], repeated=True)
    if order.status != Order.Status.PAID:
        raise CancellationNotAllowed(_("Only paid orders can be cancelled."))
    selected = [ticket for ticket in tickets if ticket.status == Ticket.Status.VALID]
    if wanted is not None:
        if any(ticket.status != Ticket.Status.VALID for ticket in tickets if ticket.pk in wanted):
            raise InvalidSelection(_("Some of these tickets are already cancelled."))
        selected = [ticket for ticket in selected if ticket.pk in wanted]
        if any(not ticket_held_by_buyer(ticket, buyer) for ticket in selected):
            raise CancellationNotAllowed(_("A ticket you transferred to someone else cannot be cancelled."))
    else:
        selected = [ticket for ticket in selected if ticket_held_by_buyer(ticket, buyer)]
    if not selected:
        raise InvalidSelection(_("Choose at least one ticket to cancel."))
    if CheckIn.objects.filter(ticket_id__in=[ticket.pk for ticket in selected]).exists():
        raise TicketAlreadyUsed()
    event = Event.objects.get(pk=order.event_id)
    payments = payment_locks.payments_for_update(order=order, statuses=KEPT)
    quote = cancellation_quote(
        order=order,
        event=event,
        tickets=tickets,
        selected=selected,
        refundable=order_refundable(payments=payments),
        now=now,
    )
    if not quote.cancellable:
        raise CancellationNotAllowed(quote.description)
    if expected_refund is not None and expected_refund != quote.refund_amount:
        raise RefundQuoteChanged(
            _("The refund is now %(amount)s %(currency)s. Please check and confirm again.")
            % {"amount": quote.refund_amount, "currency": order.currency}
        )
    refunds = []
    if quote.refund_amount > 0:
        refunds = _refunds_create_locked(
            payments=payments,
            amount=quote.refund_amount,
            kind=Refund.Kind.ATTENDEE_CANCEL,
            reason=_("Cancelled by the buyer: %(tier)s") % {"tier": quote.description},
            actor=buyer,
            now=now,
        )
    tickets_release_locked(order=order, tickets=selected, status=_ticket_status_after(order))
    closed = _order_close_if_empty_locked(order=order, now=now)
    audit_record(
        actor=buyer,
        action="order.cancelled_by_buyer" if closed else "tickets.cancelled_by_buyer",
        target=order,
        data={
            "tickets": [ticket.serial for ticket in selected],
            "percent": quote.percent,
            "fee": str(quote.fee),
            "refund": str(quote.refund_amount),
            "currency": order.currency,
            "refunds": [refund.pk for refund in refunds],
        },
        now=now,
    )
    order_cancelled_queue(order=order, tickets=selected, refund_amount=quote.refund_amount)
    return CancellationResult(order=order, tickets=selected, refunds=refunds, quote=quote)


@transaction.atomic(durable=True)
def order_refund_by_admin(
    *,
    order: Order,
    actor: User,
    amount: Decimal,
    ticket_ids: Collection[int],
    reason: str,
    now: datetime,
    ip_address: str | None = None,
) -> CancellationResult:
    """Refund any part of an order (admins): ``amount`` (up to what is left of its payments) and, optionally,
    revoke some of its valid tickets (their capacity returns). Audited; no refund policy applies.

    Refunding everything that is left without choosing tickets refunds the whole order once the money is
    back (the payments service does that). Choosing every valid ticket refunds the order at once.
    Locks: the order, its payments (pk order), then the tickets' pools and ticket types (pk order).
    Raises: NothingToRefund, RefundExceedsPayment, InvalidSelection, Busy.
    """
    order = payment_locks.order_for_update(order_id=order.pk)
    tickets, wanted = _selection(order, ticket_ids)
    selected = [ticket for ticket in tickets if wanted and ticket.pk in wanted]
    if any(ticket.status != Ticket.Status.VALID for ticket in selected) or (
        selected and order.status != Order.Status.PAID
    ):
        raise InvalidSelection(_("Only valid tickets of a paid order can be revoked."))
    if amount < 0:
        raise RefundExceedsPayment(_("The amount cannot be negative."))
    if amount == 0 and not selected:
        raise NothingToRefund(_("Enter an amount to refund or choose tickets to revoke."))
    payments = payment_locks.payments_for_update(order=order, statuses=KEPT)
    if amount > order_refundable(payments=payments):
        raise RefundExceedsPayment()
    refunds = []
    if amount > 0:
        refunds = _refunds_create_locked(
            payments=payments, amount=amount, kind=Refund.Kind.ADMIN_PARTIAL, reason=reason, actor=actor, now=now
        )
    if selected:
        tickets_release_locked(order=order, tickets=selected, status=_ticket_status_after(order))
    _order_close_if_empty_locked(order=order, now=now)
    audit_record(
        actor=actor,
        action="order.refunded_by_admin",
        target=order,
        data={
            "amount": str(amount),
            "currency": order.currency,
            "tickets": [ticket.serial for ticket in selected],
            "reason": reason[:500],
            "refunds": [refund.pk for refund in refunds],
        },
        ip_address=ip_address,
        now=now,
    )
    return CancellationResult(order=order, tickets=selected, refunds=refunds)


@transaction.atomic(durable=True)
def order_close_for_cancelled_event(*, order_id: int, now: datetime) -> str:
    """Close one order of a cancelled event: a paid order is refunded in full (everything left of its
    payments, no fee) and its tickets revoked; an unpaid one is cancelled. The buyer is told, once.

    Returns "refunded", "cancelled" or "" (nothing to do: already closed, or the event is not cancelled).
    Locks: the order, its payments (pk order), then its pools and ticket types (pk order).
    Raises: Busy.
    """
    order = payment_locks.order_for_update(order_id=order_id)
    event = Event.objects.get(pk=order.event_id)
    if event.status != Event.Status.CANCELLED:
        return ""
    if order.status == Order.Status.PENDING:
        order_cancel_unpaid(order=order, buyer=order.buyer, now=now)
        order.refresh_from_db()
        event_cancelled_queue(order=order, event=event, refund_amount=ZERO, was_paid=False)
        return "cancelled"
    if order.status != Order.Status.PAID:
        return ""
    payments = payment_locks.payments_for_update(order=order, statuses=KEPT)
    refundable = order_refundable(payments=payments)
    refunds = []
    if refundable > 0:
        refunds = _refunds_create_locked(
            payments=payments,
            amount=refundable,
            kind=Refund.Kind.EVENT_CANCELLED,
            reason=_("The event was cancelled."),
            actor=None,
            now=now,
        )
    valid = list(order.tickets.filter(status=Ticket.Status.VALID))
    if valid:
        tickets_release_locked(order=order, tickets=valid, status=_ticket_status_after(order))
    _order_close_if_empty_locked(order=order, now=now)
    audit_record(
        actor=None,
        action="order.refunded_event_cancelled",
        target=order,
        data={"amount": str(refundable), "currency": order.currency, "refunds": [refund.pk for refund in refunds]},
        now=now,
    )
    event_cancelled_queue(order=order, event=event, refund_amount=refundable, was_paid=True)
    return "refunded"


def event_cancellation_process(*, event_id: int, now: datetime) -> dict[str, int]:
    """Everything that follows an event's cancellation: pending applications are declined, live holds are
    released, unpaid orders cancelled and paid orders refunded in full, each order in its own transaction.
    Safe to run again (and concurrently): an order already closed is skipped, so every order is refunded once.

    Raises: Busy (a lock timed out; what was done stays done, run again).
    """
    from tickets.services.applications import application_decline  # applications build on cancellations' peers

    counts = {"holds": 0, "cancelled": 0, "refunded": 0, "applications": 0}
    if not Event.objects.filter(pk=event_id, status=Event.Status.CANCELLED).exists():
        return counts
    for application in Application.objects.filter(event_id=event_id, status=Application.Status.PENDING):
        application_decline(application=application, actor=None, reason=_("The event was cancelled."), now=now)
        counts["applications"] += 1
    for hold in Hold.objects.filter(event_id=event_id, status=Hold.Status.ACTIVE).select_related("buyer"):
        hold_release(hold=hold, buyer=hold.buyer)
        counts["holds"] += 1
    # Unpaid orders first: a payment that lands meanwhile then meets a cancelled order and is refunded.
    for status in (Order.Status.PENDING, Order.Status.PAID):
        order_ids = Order.objects.filter(event_id=event_id, status=status).order_by("pk").values_list("pk", flat=True)
        for order_id in list(order_ids):
            outcome = order_close_for_cancelled_event(order_id=order_id, now=now)
            if outcome:
                counts[outcome] += 1
    return counts


def event_list_cancelled_with_open_orders(*, limit: int = 100) -> list[int]:
    """Cancelled events that still have paid or unpaid orders, live holds or pending applications (their job
    was lost)."""
    open_orders = Order.objects.filter(status__in=[Order.Status.PENDING, Order.Status.PAID]).values("event_id")
    live_holds = Hold.objects.filter(status=Hold.Status.ACTIVE).values("event_id")
    pending = Application.objects.filter(status=Application.Status.PENDING).values("event_id")
    events = Event.objects.filter(
        Q(pk__in=open_orders) | Q(pk__in=live_holds) | Q(pk__in=pending), status=Event.Status.CANCELLED
    )
    return list(events.order_by("cancelled_at").values_list("pk", flat=True)[:limit])
