"""The Celery application and the one place that lists periodic work."""

import logging
import os
from functools import partial

from celery import Celery, Task
from celery.schedules import crontab
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)


class OutboxTask(Task):
    """A task whose publishing never breaks the request that scheduled it.

    Work that must not be lost is recorded in the database first (an outbox row); the task only
    carries the row's id. If Redis is unreachable when the transaction commits, the publish is
    logged and dropped, and the periodic sweep of that outbox publishes it again later.
    """

    acks_late = True
    reject_on_worker_lost = True

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(partial(self.publish_quietly, args, kwargs))

    def publish_quietly(self, args: tuple, kwargs: dict) -> None:
        try:
            self.apply_async(args, kwargs)
        except Exception:  # the broker is down: the outbox sweep retries
            logger.warning("Could not publish %s%r; the outbox sweep will retry.", self.name, args, exc_info=True)


app = Celery("eventhorizon", task_cls=OutboxTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Publish e-mails whose task was lost (Redis down, worker crashed) — the outbox sweep.
    "notifications-send-pending-emails": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": 60.0,
    },
    # Delete one-time codes and lockout counters that can no longer matter.
    "accounts-purge-expired-security-records": {
        "task": "accounts.tasks.purge_expired_security_records",
        "schedule": crontab(minute=17, hour=3),
    },
    # Record dynamic price changes caused by time and fading demand (sales-driven ones are seen at hold time).
    "events-record-dynamic-prices": {
        "task": "events.tasks.record_dynamic_prices",
        "schedule": 60.0,
    },
    # Release expired holds and expire unpaid orders, so their capacity goes back on sale.
    "tickets-expire-holds-and-orders": {
        "task": "tickets.tasks.expire_holds_and_orders",
        "schedule": 60.0,
    },
    # Mark ticket transfers nobody accepted in time as expired (they already count as expired when read).
    "tickets-expire-ticket-transfers": {
        "task": "tickets.tasks.expire_ticket_transfers",
        "schedule": crontab(minute="*/15"),
    },
    # Finish cancelled events whose job was lost: release holds, cancel unpaid orders, refund paid ones.
    "tickets-process-cancelled-events": {
        "task": "tickets.tasks.process_cancelled_events",
        "schedule": 300.0,
    },
    # Publish refunds whose task was lost, retry those the provider could not take yet (backoff per refund).
    "payments-publish-due-refunds": {
        "task": "payments.tasks.publish_due_refunds",
        "schedule": 60.0,
    },
    # Process stored webhook events whose task was lost or failed (the webhook outbox sweep).
    "payments-publish-unprocessed-webhook-events": {
        "task": "payments.tasks.publish_unprocessed_webhook_events",
        "schedule": 60.0,
    },
    # Re-read open Stripe payments nothing was heard about for ten minutes (a lost webhook).
    "payments-sync-stale-payments": {
        "task": "payments.tasks.sync_stale_payments",
        "schedule": 300.0,
    },
}
