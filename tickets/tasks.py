"""Celery adapters for booking: the periodic expiry sweep."""

from celery import shared_task
from django.utils import timezone

from tickets.services.holds import holds_expire_due
from tickets.services.orders import orders_expire_due


@shared_task
def expire_holds_and_orders() -> dict[str, int]:
    """Release expired holds and expire unpaid orders past their deadline (both give capacity back)."""
    now = timezone.now()
    return {"holds": holds_expire_due(now=now), "orders": orders_expire_due(now=now)}
