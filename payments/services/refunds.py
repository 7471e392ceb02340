"""Refunds: recorded under the payment's lock, executed at the provider by a background job, exactly once.

A refund row is written (pending) in the transaction that decides it; ``execute_refund`` runs after commit.
The job claims the row with a conditional UPDATE (like the e-mail outbox), calls the provider with the row's
idempotency key while holding no lock, and records the answer in a new transaction. Running it twice, or
concurrently, or again after a crashed worker, refunds once.

A provider that cannot be reached is tried again by the beat sweep with a growing delay (``next_attempt_at``);
after MAX_ATTEMPTS the refund is failed, its error kept for admins, who can send it again (``refund_retry``).
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from accounts.models import User
from core.services import audit_record
from payments import locks
from payments.errors import (
    NothingToRefund,
    ProviderError,
    ProviderUnavailable,
    RefundExceedsPayment,
    RefundNotRetryable,
)
from payments.models import Payment, Refund, new_idempotency_key
from payments.providers import ProviderRefund, get_provider
from payments.services.emails import refund_issued_queue
from tickets.models import Order
from tickets.services.orders import order_mark_refunded

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
CLAIM_TIMEOUT = timedelta(minutes=5)
FIRST_RETRY_DELAY = timedelta(seconds=30)
MAX_RETRY_DELAY = timedelta(hours=1)
MONEY_TAKEN = [Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED]


def refund_retry_delay(*, attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, doubling, at most an hour."""
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def payment_refund_committed(*, payment: Payment) -> Decimal:
    """What is already refunded or on its way back (every refund that has not failed)."""
    total = payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def refund_create_locked(
    *,
    payment: Payment,
    amount: Decimal,
    kind: str,
    now: datetime,
    reason: str = "",
    actor: User | None = None,
) -> Refund:
    """Record a refund and schedule its execution after commit. The caller holds the order and payment locks.

    Raises: RefundExceedsPayment when refunds would exceed what was paid.
    """
    from payments.tasks import execute_refund

    if payment.status not in MONEY_TAKEN or amount <= 0:
        raise RefundExceedsPayment()
    if payment_refund_committed(payment=payment) + amount > payment.amount:
        raise RefundExceedsPayment()
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        kind=kind,
        reason=reason[:500],
        requested_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    execute_refund.delay_on_commit(refund.pk)
    return refund


@transaction.atomic(durable=True)
def payment_refund_full(
    *, order: Order, actor: User, reason: str, now: datetime, ip_address: str | None = None
) -> list[Refund]:
    """Refund everything still kept from an order's payments (admins). Audited.

    A paid order is refunded at once: its tickets stop working and their capacity returns to sale; the
    money goes back through the provider in the background.
    Locks: the order, its payments (pk order), then its capacity (through order_mark_refunded).
    Raises: NothingToRefund, Busy.
    """
    order = locks.order_for_update(order_id=order.pk)
    payments = locks.payments_for_update(
        order=order, statuses=[Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED]
    )
    refunds = []
    for payment in payments:
        remaining = payment.amount - payment_refund_committed(payment=payment)
        if remaining > 0:
            refunds.append(
                refund_create_locked(
                    payment=payment, amount=remaining, kind=Refund.Kind.ADMIN, now=now, reason=reason, actor=actor
                )
            )
    if not refunds:
        raise NothingToRefund()
    if order.status == Order.Status.PAID:
        order_mark_refunded(order_id=order.pk, now=now)
    audit_record(
        actor=actor,
        action="order.refunded_in_full",
        target=order,
        data={
            "amount": str(sum(refund.amount for refund in refunds)),
            "currency": order.currency,
            "reason": reason[:500],
            "refunds": [refund.pk for refund in refunds],
        },
        ip_address=ip_address,
        now=now,
    )
    return refunds


def _payment_refresh_locked(*, order: Order, payment: Payment, now: datetime) -> None:
    """Set a payment's refund status from its succeeded refunds; a paid order whose money all went back
    (e.g. refunded in the provider's dashboard) is refunded too, so its tickets stop working."""
    if payment.status not in MONEY_TAKEN:
        return
    refunded = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))["total"] or 0
    if refunded >= payment.amount:
        status = Payment.Status.REFUNDED
    elif refunded > 0:
        status = Payment.Status.PARTIALLY_REFUNDED
    else:
        status = Payment.Status.SUCCEEDED
    if status != payment.status:
        payment.status = status
        payment.save(update_fields=["status", "updated_at"])
    kept = order.payments.filter(status__in=[Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED])
    if status == Payment.Status.REFUNDED and order.status == Order.Status.PAID and not kept.exists():
        order_mark_refunded(order_id=order.pk, now=now)


def _refund_apply_locked(
    *, order: Order, payment: Payment, refund: Refund, status: str, now: datetime, provider_refund_id: str = ""
) -> None:
    """Move a refund to the provider's status. Order, payment and refund are locked by the caller."""
    previous = refund.status
    if provider_refund_id and not refund.provider_refund_id:
        refund.provider_refund_id = provider_refund_id
    refund.status = status
    refund.claimed_at = None
    if status != Refund.Status.PENDING:
        refund.next_attempt_at = None
    if status == Refund.Status.SUCCEEDED and previous != status:
        refund.succeeded_at = now
        refund.last_error = ""
    refund.save(
        update_fields=[
            "provider_refund_id",
            "status",
            "claimed_at",
            "next_attempt_at",
            "succeeded_at",
            "last_error",
            "updated_at",
        ]
    )
    if previous == status:
        return
    _payment_refresh_locked(order=order, payment=payment, now=now)
    if status == Refund.Status.SUCCEEDED:
        refund_issued_queue(refund=refund)
    elif status == Refund.Status.FAILED:
        logger.error("Refund %s of payment %s failed at the provider: %s", refund.pk, payment.pk, refund.last_error)


def refunds_sync_locked(*, order: Order, payment: Payment, provider_refunds: Iterable[ProviderRefund], now: datetime):
    """Bring our refund rows in line with the provider's (ours matched by id or metadata; others recorded)."""
    for seen in provider_refunds:
        refund = payment.refunds.filter(provider_refund_id=seen.provider_refund_id).first()
        if refund is None and seen.refund_id:
            refund = payment.refunds.filter(pk=seen.refund_id, provider_refund_id="").first()
        if refund is None:
            refund = Refund.objects.create(
                payment=payment,
                amount=seen.amount,
                kind=Refund.Kind.PROVIDER,
                reason=_("Refunded at the payment provider."),
                provider_refund_id=seen.provider_refund_id,
                created_at=now,
            )
        if refund.status != seen.status or not refund.provider_refund_id:
            _refund_apply_locked(
                order=order,
                payment=payment,
                refund=refund,
                status=seen.status,
                now=now,
                provider_refund_id=seen.provider_refund_id,
            )


@transaction.atomic(durable=True)
def _refund_record(*, refund_id: int, seen: ProviderRefund | None, error: str, give_up: bool, now: datetime):
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    order = locks.order_for_update(order_id=refund.payment.order_id)
    payment = locks.payment_for_update(payment_id=refund.payment_id)
    refund = locks.refund_for_update(refund_id=refund_id)
    if error:
        refund.last_error = error[:2000]
        if seen is None and not give_up and refund.status == Refund.Status.PENDING:
            refund.next_attempt_at = now + refund_retry_delay(attempts=refund.attempts)
        refund.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
    if seen is not None:
        if refund.status != seen.status or not refund.provider_refund_id:
            _refund_apply_locked(
                order=order,
                payment=payment,
                refund=refund,
                status=seen.status,
                now=now,
                provider_refund_id=seen.provider_refund_id,
            )
        elif refund.claimed_at:
            Refund.objects.filter(pk=refund.pk).update(claimed_at=None)
    elif give_up and refund.status == Refund.Status.PENDING:
        _refund_apply_locked(order=order, payment=payment, refund=refund, status=Refund.Status.FAILED, now=now)
    else:
        Refund.objects.filter(pk=refund.pk).update(claimed_at=None)


def refund_execute(*, refund_id: int, now: datetime) -> bool:
    """Send one pending refund to the provider. Returns False when there was nothing to do (done, or claimed).

    Raises: ProviderUnavailable (the job retries later; the claim is released).
    """
    claimable = Q(status=Refund.Status.PENDING) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
    claimed = Refund.objects.filter(claimable, pk=refund_id).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    refund = Refund.objects.select_related("payment", "payment__order").get(pk=refund_id)
    provider = get_provider(refund.payment.provider)
    try:
        seen = None
        if refund.provider_refund_id:
            seen = provider.retrieve_refund(provider_refund_id=refund.provider_refund_id)
        elif refund.last_error and refund.payment.provider_payment_id:
            # An earlier attempt failed, perhaps after the provider had acted (a timeout), and an admin's
            # retry sends a new idempotency key: look for a refund of ours there before sending one.
            state = provider.retrieve(provider_payment_id=refund.payment.provider_payment_id)
            seen = next((item for item in state.refunds if item.refund_id == refund.pk), None)
        if seen is None:
            seen = provider.refund(
                payment=refund.payment,
                amount=refund.amount,
                idempotency_key=refund.idempotency_key,
                refund_id=refund.pk,
            )
    except ProviderUnavailable as exc:
        give_up = refund.attempts >= MAX_ATTEMPTS
        _refund_record(
            refund_id=refund_id, seen=None, error=exc.context.get("detail", str(exc)), give_up=give_up, now=now
        )
        if give_up:
            return True
        raise
    except ProviderError as exc:
        _refund_record(refund_id=refund_id, seen=None, error=exc.context.get("detail", str(exc)), give_up=True, now=now)
        return True
    _refund_record(refund_id=refund_id, seen=seen, error="", give_up=False, now=now)
    return True


def refund_list_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Pending refunds to (re)send: their job was lost (unclaimed for a minute), their retry delay is over,
    or a worker died holding the claim."""
    unclaimed = Q(claimed_at__isnull=True) & (
        Q(next_attempt_at__isnull=True, updated_at__lt=now - timedelta(minutes=1)) | Q(next_attempt_at__lte=now)
    )
    due = unclaimed | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    pending = Refund.objects.filter(due, status=Refund.Status.PENDING, attempts__lt=MAX_ATTEMPTS)
    return list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])


@transaction.atomic(durable=True)
def refund_retry(*, refund: Refund, actor: User, now: datetime, ip_address: str | None = None) -> Refund:
    """Send a failed refund again (admins), under a new idempotency key. Audited.

    The amount must still be free: a failed refund stops counting against its payment, so another refund may
    have taken its place meanwhile.
    Locks: the order, the payment, then the refund.
    Raises: RefundNotRetryable (not failed), RefundExceedsPayment, Busy.
    """
    from payments.tasks import execute_refund

    payment_id, order_id = Refund.objects.filter(pk=refund.pk).values_list("payment_id", "payment__order_id").get()
    order = locks.order_for_update(order_id=order_id)
    payment = locks.payment_for_update(payment_id=payment_id)
    refund = locks.refund_for_update(refund_id=refund.pk)
    if refund.status != Refund.Status.FAILED:
        raise RefundNotRetryable()
    if payment.status not in MONEY_TAKEN or payment_refund_committed(payment=payment) + refund.amount > payment.amount:
        raise RefundExceedsPayment()
    refund.status, refund.attempts, refund.claimed_at, refund.next_attempt_at = Refund.Status.PENDING, 0, None, None
    refund.idempotency_key = new_idempotency_key()
    refund.save(update_fields=["status", "attempts", "claimed_at", "next_attempt_at", "idempotency_key", "updated_at"])
    audit_record(
        actor=actor,
        action="refund.retried",
        target=refund,
        data={"order": order.code, "amount": str(refund.amount), "last_error": refund.last_error[:500]},
        ip_address=ip_address,
        now=now,
    )
    execute_refund.delay_on_commit(refund.pk)
    return refund
