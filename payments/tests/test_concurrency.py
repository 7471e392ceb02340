"""Races on PostgreSQL with real threads, one connection each (skipped on SQLite by the ``race`` fixture)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import TicketType
from notifications.models import OutboundEmail
from payments.models import Payment, Refund, WebhookEvent
from payments.services.payments import payment_start, payment_sync
from payments.services.refunds import refund_execute
from payments.tests.helpers import (
    CARD_OK,
    customer_pays,
    event_payload,
    pending_order,
    post_webhook,
    refunds_at_provider,
    sign,
)
from tickets.models import Order, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def assert_paid_once(order: Order, quantity: int) -> None:
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).count() == 1
    assert order.tickets.filter(status=Ticket.Status.VALID).count() == quantity
    ticket_type = TicketType.objects.get(pk=order.lines.get().ticket_type_id)
    assert (ticket_type.sold, ticket_type.held) == (quantity, 0)
    assert OutboundEmail.objects.filter(template="order_confirmed").count() == 1
    assert not Refund.objects.exists()


def test_the_same_signed_event_delivered_10_times_at_once_pays_once(race, stripe_api):
    order = pending_order(quantity=3, capacity=10)
    payment = payment_start(order=order, now=timezone.now())
    intent = customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    payload = event_payload("payment_intent.succeeded", intent)
    signature = sign(payload)

    results = race(lambda i: post_webhook(Client(), payload, signature).status_code, n=10)

    assert results == [200] * 10
    assert WebhookEvent.objects.count() == 1
    assert WebhookEvent.objects.get().processed_at is not None
    assert_paid_once(order, 3)


def test_ten_different_events_about_one_payment_at_once_pay_once(race, stripe_api):
    order = pending_order(quantity=2, capacity=10)
    payment = payment_start(order=order, now=timezone.now())
    intent = customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    types = ["payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.processing"]
    payloads = [event_payload(types[i % 3], intent) for i in range(10)]

    results = race(lambda i: post_webhook(Client(), payloads[i], sign(payloads[i])).status_code, n=10)

    assert results == [200] * 10
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 10
    assert_paid_once(order, 2)


def test_the_refund_job_racing_itself_refunds_once(race, stripe_api):
    order = pending_order(quantity=2, capacity=10)
    payment = payment_start(order=order, now=timezone.now())
    customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    payment = payment_sync(payment=payment, now=timezone.now())
    # A pending refund whose job was published several times (the sweep, a redelivery, a retry).
    refund = Refund.objects.create(payment=payment, amount=payment.amount, kind=Refund.Kind.ADMIN)

    results = race(lambda i: refund_execute(refund_id=refund.pk, now=timezone.now()), n=10)

    refund.refresh_from_db()
    assert results.count(True) == 1 and results.count(False) == 9
    assert [item["id"] for item in refunds_at_provider(stripe_api, payment.provider_payment_id)] == [
        refund.provider_refund_id
    ]
    assert (refund.status, refund.attempts) == (Refund.Status.SUCCEEDED, 1)


def test_a_buyer_double_clicking_pay_pays_once(race, settings):
    settings.PAYMENT_PROVIDER = "simulated"
    order = pending_order(quantity=2, capacity=10)

    def click(_i):
        client = APIClient()
        client.force_authenticate(order.buyer)
        return client.post(reverse("order-pay", args=[order.code]), {"card_number": CARD_OK}, format="json")

    results = race(click, n=8)

    codes = sorted(response.status_code for response in results)
    assert codes[0] == 200 and set(codes) <= {200, 409}
    assert Payment.objects.filter(order=order).count() == 1
    assert_paid_once(order, 2)
