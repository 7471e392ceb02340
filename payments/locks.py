"""Row locks for payments. Lock order, after tickets' own (buyer → hold/order → capacity):
order → its payments (pk order) → refunds; capacity rows only after these (through tickets services)."""

from django.db import OperationalError

from core.errors import Busy
from payments.models import Payment, Refund
from tickets.locks import set_lock_timeout
from tickets.models import Order


def _first_locked(queryset):
    try:
        return queryset.first()
    except OperationalError as exc:
        if "lock" in str(exc).lower():
            raise Busy() from exc
        raise


def order_for_update(*, order_id: int) -> Order:
    """Lock an order (the first lock of every payment write)."""
    set_lock_timeout()
    return _first_locked(Order.objects.select_for_update().filter(pk=order_id))


def payment_for_update(*, payment_id: int) -> Payment:
    """Lock a payment; its order must already be locked."""
    return _first_locked(Payment.objects.select_for_update().filter(pk=payment_id))


def payments_for_update(*, order: Order, statuses: list[str]) -> list[Payment]:
    """Lock an order's payments in these states, in primary-key order; the order must already be locked."""
    try:
        return list(Payment.objects.select_for_update().filter(order=order, status__in=statuses).order_by("pk"))
    except OperationalError as exc:
        if "lock" in str(exc).lower():
            raise Busy() from exc
        raise


def refund_for_update(*, refund_id: int) -> Refund:
    """Lock a refund; its order and payment must already be locked."""
    return _first_locked(Refund.objects.select_for_update().filter(pk=refund_id))
