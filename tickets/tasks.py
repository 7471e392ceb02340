"""Celery adapters for booking: the periodic expiry sweep, and what follows an event's cancellation."""

from celery import shared_task
from django.utils import timezone

from core.errors import Busy
from tickets.services.applications import applications_expire_due
from tickets.services.cancellations import event_cancellation_process, event_list_cancelled_with_open_orders
from tickets.services.holds import holds_expire_due
from tickets.services.orders import orders_expire_due
from tickets.services.transfers import transfers_expire_due


@shared_task
def expire_holds_and_orders() -> dict[str, int]:
    """Release expired holds and expire unpaid orders past their deadline (both give capacity back); approved
    applications whose order expired unpaid are then marked expired."""
    now = timezone.now()
    holds, orders = holds_expire_due(now=now), orders_expire_due(now=now)
    return {"holds": holds, "orders": orders, "applications": applications_expire_due(now=now)}


@shared_task(bind=True, autoretry_for=(Busy,), retry_backoff=5, retry_backoff_max=300, max_retries=8)
def process_event_cancellation(self, event_id: int) -> dict[str, int]:
    """Release the holds, cancel the unpaid orders and refund the paid orders of a cancelled event.
    Running it again (or concurrently) refunds nobody twice."""
    return event_cancellation_process(event_id=event_id, now=timezone.now())


@shared_task
def process_cancelled_events() -> int:
    """Publish the job of cancelled events that still have open orders or holds (a lost or failed job)."""
    due = event_list_cancelled_with_open_orders()
    for event_id in due:
        process_event_cancellation.delay(event_id)
    return len(due)


@shared_task
def expire_ticket_transfers() -> int:
    """Write down ticket transfers nobody accepted in time (they already count as expired)."""
    return transfers_expire_due(now=timezone.now())
