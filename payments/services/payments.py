"""Paying orders: start a payment, confirm it (simulated cards), record what the provider says.

Every use case that talks to a provider has the same three steps (STYLE §4):
  1. a short transaction finds or writes the pending Payment row, and commits;
  2. the provider is called with the row's idempotency key, with no transaction open and no lock held;
  3. a new transaction locks the order and the payment and records the answer (``payment_record_state``).
A crash between 2 and 3 is repaired by doing it again: the key makes the provider answer the same.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import Busy
from payments import locks
from payments.errors import (
    NoActionRequired,
    OrderAlreadyPaid,
    OrderNotPayable,
    PaidTooLate,
    PaymentDeclined,
    ProviderError,
    ProviderUnavailable,
    WrongPaymentProvider,
)
from payments.models import Payment, Provider, Refund
from payments.providers import PaymentProvider, ProviderPayment, get_provider
from payments.services.emails import order_confirmation_queue, paid_too_late_queue
from payments.services.refunds import refund_create_locked, refunds_sync_locked
from tickets.errors import HoldExpired
from tickets.models import Order
from tickets.services.orders import order_mark_paid_locked

logger = logging.getLogger(__name__)

SETTLED = [Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED]
OPEN = [Payment.Status.PENDING, Payment.Status.REQUIRES_ACTION]


@transaction.atomic(durable=True)
def _payment_open(*, order_id: int, provider: PaymentProvider, now: datetime) -> Payment:
    """The order's open payment with this provider, or a new pending one. Locks: the order."""
    order = locks.order_for_update(order_id=order_id)
    if order.status == Order.Status.PAID:
        raise OrderAlreadyPaid()
    if order.status != Order.Status.PENDING or order.total <= 0:
        raise OrderNotPayable()
    if order.expires_at <= now:
        raise HoldExpired()
    reusable = OPEN + ([Payment.Status.FAILED] if provider.failed_payments_can_retry else [])
    payment = (
        order.payments.filter(provider=provider.name, status__in=reusable, amount=order.total, currency=order.currency)
        .order_by("-created_at", "-pk")
        .first()
    )
    if payment is None:
        payment = Payment.objects.create(
            order=order, provider=provider.name, amount=order.total, currency=order.currency, created_at=now
        )
    payment.order = order
    return payment


def _payment_record_created(*, payment_id: int, state: ProviderPayment) -> Payment:
    """Note the provider's id and client secret, unless a webhook got there first. A conditional UPDATE:
    no lock is taken, so this cannot interleave badly with payment_record_state's order → payment locks."""
    Payment.objects.filter(pk=payment_id, provider_payment_id="").update(
        provider_payment_id=state.provider_payment_id, client_secret=state.client_secret, updated_at=timezone.now()
    )
    return Payment.objects.select_related("order").get(pk=payment_id)


@transaction.atomic(durable=True)
def _payment_record_provider_error(*, payment_id: int, error: ProviderError) -> None:
    """The provider refused to create the payment: this row (and its key) is done; the next try starts afresh."""
    Payment.objects.filter(pk=payment_id, provider_payment_id="", status=Payment.Status.PENDING).update(
        status=Payment.Status.FAILED,
        failure_code="provider_error",
        failure_message=error.context.get("detail", error.message)[:255],
    )


def payment_start(*, order: Order, now: datetime) -> Payment:
    """Create (or reuse) the order's open payment and register it with the configured provider.

    Calling it again (double click, retry after a crash) reuses the same payment and provider object.
    Locks: the order, briefly, before the provider is called; nothing while it is called.
    Raises: OrderAlreadyPaid, OrderNotPayable, HoldExpired, ProviderError, ProviderUnavailable, Busy.
    """
    provider = get_provider()
    payment = _payment_open(order_id=order.pk, provider=provider, now=now)
    if payment.provider_payment_id:
        return payment
    try:
        state = provider.create_payment(payment=payment)
    except ProviderError as exc:
        _payment_record_provider_error(payment_id=payment.pk, error=exc)
        raise
    return _payment_record_created(payment_id=payment.pk, state=state)


def _raise_unless_paid(payment: Payment) -> None:
    if payment.status == Payment.Status.FAILED:
        raise PaymentDeclined(payment.failure_message or None, decline_code=payment.failure_code)
    if payment.status in SETTLED and payment.refunds.filter(kind=Refund.Kind.LATE_PAYMENT).exists():
        raise PaidTooLate()


def payment_pay_simulated(*, order: Order, card_number: str, now: datetime) -> Payment:
    """Pay an order with a test card through the simulated provider. The card number is not stored.

    A declined card leaves the order pending (its tickets stay reserved until it expires); the buyer
    may try another card. A 3-D Secure card leaves the payment waiting for ``payment_confirm_simulated``.
    Raises: WrongPaymentProvider, OrderAlreadyPaid, OrderNotPayable, HoldExpired, PaymentDeclined,
    PaidTooLate, Busy.
    """
    if settings.PAYMENT_PROVIDER != Provider.SIMULATED:
        raise WrongPaymentProvider()
    payment = payment_start(order=order, now=now)
    state = get_provider(payment.provider).confirm_card(payment=payment, card_number=card_number)
    payment = payment_record_state(payment=payment, state=state, now=now)
    _raise_unless_paid(payment)
    return payment


def payment_confirm_simulated(*, payment: Payment, approve: bool, now: datetime) -> Payment:
    """Complete (or fail) the simulated 3-D Secure step of a payment waiting for it.

    Raises: WrongPaymentProvider, NoActionRequired, PaymentDeclined, PaidTooLate, Busy.
    """
    if payment.provider != Provider.SIMULATED:
        raise WrongPaymentProvider()
    if payment.status != Payment.Status.REQUIRES_ACTION:
        raise NoActionRequired()
    state = get_provider(payment.provider).confirm_action(payment=payment, approve=approve)
    payment = payment_record_state(payment=payment, state=state, now=now)
    _raise_unless_paid(payment)
    return payment


def payment_sync(*, payment: Payment, now: datetime, provider_payment_id: str = "") -> Payment:
    """Re-read a payment's state from its provider and record it (webhooks, the periodic sweep).

    Raises: ProviderError, ProviderUnavailable, Busy.
    """
    provider_payment_id = payment.provider_payment_id or provider_payment_id
    state = get_provider(payment.provider).retrieve(provider_payment_id=provider_payment_id)
    if state.payment_id not in (None, payment.pk):
        raise ProviderError(detail=f"{provider_payment_id} belongs to payment {state.payment_id}, not {payment.pk}")
    return payment_record_state(payment=payment, state=state, now=now)


@transaction.atomic(durable=True)
def payment_record_state(*, payment: Payment, state: ProviderPayment, now: datetime) -> Payment:
    """Record what the provider says about a payment now. Safe to repeat, in any order, concurrently.

    Money taken is final: once succeeded, a payment never goes back to pending or failed. The call that
    records the success pays the order, or refunds the payment when the order cannot have its tickets
    (paid too late with capacity gone, or already paid by another payment).
    Locks: the order, then the payment (then capacity, through order_mark_paid_locked).
    Raises: Busy.
    """
    order = locks.order_for_update(order_id=payment.order_id)
    payment = locks.payment_for_update(payment_id=payment.pk)
    changed = []
    if state.provider_payment_id and not payment.provider_payment_id:
        payment.provider_payment_id = state.provider_payment_id
        changed.append("provider_payment_id")
    if state.client_secret and not payment.client_secret:
        payment.client_secret = state.client_secret
        changed.append("client_secret")
    if (state.amount, state.currency) != (payment.amount, payment.currency):
        logger.error("Payment %s: the provider reports %s %s", payment.pk, state.amount, state.currency)
    elif payment.status not in SETTLED and state.status == Payment.Status.SUCCEEDED:
        payment.status, payment.succeeded_at = Payment.Status.SUCCEEDED, now
        payment.failure_code = payment.failure_message = ""
        payment.save(
            update_fields=[*changed, "status", "succeeded_at", "failure_code", "failure_message", "updated_at"]
        )
        changed = []
        _payment_succeeded_locked(order=order, payment=payment, now=now)
    elif payment.status not in SETTLED and state.status != payment.status:
        payment.status = state.status
        payment.failure_code, payment.failure_message = state.failure_code, state.failure_message
        changed += ["status", "failure_code", "failure_message"]
    if changed:
        payment.save(update_fields=[*changed, "updated_at"])
    if state.refunds:
        refunds_sync_locked(order=order, payment=payment, provider_refunds=state.refunds, now=now)
    payment.order = order
    return payment


def _payment_succeeded_locked(*, order: Order, payment: Payment, now: datetime) -> None:
    """The payment just succeeded: give the order its tickets, or give the money back."""
    if order.status in (Order.Status.PAID, Order.Status.REFUNDED):
        # Paid twice (two tabs, two cards) or refunded meanwhile: this payment has nothing to buy.
        refund_create_locked(payment=payment, amount=payment.amount, kind=Refund.Kind.DUPLICATE, now=now)
        return
    if order.status == Order.Status.PENDING:
        # The order is locked and its capacity reserved, so it will be paid: render the e-mail into the
        # outbox first. order_mark_paid_locked then takes the event's hot ticket-type rows, held until
        # commit, and nothing slow may run while every other buyer of the onsale waits for them.
        order_confirmation_queue(order_id=order.pk)
        order_mark_paid_locked(order=order, now=now)
        return
    outcome = order_mark_paid_locked(order=order, now=now)
    if outcome.needs_refund:
        refund_create_locked(payment=payment, amount=payment.amount, kind=Refund.Kind.LATE_PAYMENT, now=now)
        paid_too_late_queue(payment=payment)
    elif outcome.newly_paid:
        order_confirmation_queue(order_id=order.pk)


def payments_sync_stale(*, now: datetime, limit: int = 200) -> int:
    """Re-read recent Stripe payments still open after ten minutes (their webhook may have been lost).

    Each is re-read at most every ten minutes, and only for two hours: after that the order has long
    expired, and a late success still arrives as a webhook.
    """
    stale = (
        Payment.objects.filter(
            provider=Provider.STRIPE,
            status__in=OPEN,
            updated_at__lt=now - timedelta(minutes=10),
            created_at__gt=now - timedelta(hours=2),
        )
        .exclude(provider_payment_id="")
        .order_by("updated_at")[:limit]
    )
    synced = 0
    for payment in stale:
        try:
            payment_sync(payment=payment, now=now)
            synced += 1
        except (ProviderError, ProviderUnavailable, Busy) as exc:
            logger.warning("Could not re-read payment %s: %s", payment.pk, exc)
        Payment.objects.filter(pk=payment.pk, updated_at__lt=now).update(updated_at=now)
    return synced
