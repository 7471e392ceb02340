"""The Celery adapters and sweeps (eager Celery: the tasks run in-process)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from payments import tasks
from payments.models import Payment, Refund, WebhookEvent
from payments.services.payments import payment_pay_simulated, payment_start, payments_sync_stale
from payments.services.refunds import payment_refund_full
from payments.tests.helpers import CARD_OK, customer_pays, event_payload, pending_order, post_webhook, sign
from tickets.models import Order

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("simulated")
def test_the_refund_sweep_executes_refunds_whose_task_was_lost():
    order = pending_order()
    payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())
    [refund] = payment_refund_full(order=order, actor=UserFactory(admin=True), reason="x", now=timezone.now())
    Refund.objects.filter(pk=refund.pk).update(updated_at=timezone.now() - timedelta(minutes=5))

    published = tasks.publish_due_refunds()

    refund.refresh_from_db()
    assert published == 1 and refund.status == Refund.Status.SUCCEEDED


def test_the_webhook_sweep_processes_events_whose_task_was_lost(client, stripe_api):
    order = pending_order()
    payment = payment_start(order=order, now=timezone.now())
    intent = customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    payload = event_payload("payment_intent.succeeded", intent)
    post_webhook(client, payload, sign(payload))  # stored; its task never ran (no commit in this test)
    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=5))

    published = tasks.publish_unprocessed_webhook_events()

    order.refresh_from_db()
    assert published == 1
    assert WebhookEvent.objects.get().processed_at is not None and order.status == Order.Status.PAID


def test_the_stale_payment_sweep_catches_a_lost_webhook(stripe_api):
    order = pending_order()
    payment = payment_start(order=order, now=timezone.now())
    customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now() - timedelta(minutes=15))

    synced = payments_sync_stale(now=timezone.now())

    order.refresh_from_db()
    assert synced == 1 and order.status == Order.Status.PAID


def test_the_stale_payment_sweep_leaves_recently_touched_payments_alone(stripe_api):
    order = pending_order()
    payment_start(order=order, now=timezone.now())

    assert payments_sync_stale(now=timezone.now()) == 0
