"""Celery adapters for payments: ids in, re-fetch, call the service, tolerate repeats."""

from celery import shared_task
from django.utils import timezone

from core.errors import Busy
from payments.errors import ProviderUnavailable
from payments.services import refunds, webhooks
from payments.services.payments import payments_sync_stale


@shared_task(
    bind=True, autoretry_for=(ProviderUnavailable, Busy), retry_backoff=5, retry_backoff_max=600, max_retries=8
)
def process_webhook_event(self, webhook_event_id: int) -> bool:
    """Apply a stored provider event; a repeat of a processed event does nothing."""
    return webhooks.webhook_event_process(webhook_event_id=webhook_event_id, now=timezone.now())


@shared_task(bind=True, autoretry_for=(Busy,), retry_backoff=5, retry_backoff_max=300, max_retries=8)
def execute_refund(self, refund_id: int) -> bool:
    """Send a pending refund to the provider; running it twice refunds once.

    An unreachable provider is not retried here: the attempt is recorded with its next time, and the
    ``publish_due_refunds`` sweep sends it again then (one retry schedule, one attempt counter).
    """
    try:
        return refunds.refund_execute(refund_id=refund_id, now=timezone.now())
    except ProviderUnavailable:
        return False


@shared_task
def publish_due_refunds() -> int:
    """Publish refunds whose task was lost (broker outage, crashed worker) or that wait for the provider."""
    due = refunds.refund_list_due(now=timezone.now())
    for refund_id in due:
        execute_refund.delay(refund_id)
    return len(due)


@shared_task
def publish_unprocessed_webhook_events() -> int:
    """Publish stored webhook events whose processing was lost or failed."""
    due = webhooks.webhook_event_list_due(now=timezone.now())
    for event_id in due:
        process_webhook_event.delay(event_id)
    return len(due)


@shared_task
def sync_stale_payments() -> int:
    """Re-read open Stripe payments nothing was heard about for a while (a lost webhook)."""
    return payments_sync_stale(now=timezone.now())
