"""The Stripe webhook: signature checks, store-once, and processing that re-reads the provider.

Payloads are signed in the test with a known secret; the PaymentIntents live in localstripe (CI) or in
the fake Stripe server, and the buyer's browser is played by ``customer_pays``.
"""

import time
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from events.models import TicketType
from payments.models import Payment, Refund, WebhookEvent
from payments.providers import get_provider
from payments.services.payments import payment_start
from payments.services.webhooks import webhook_event_list_due
from payments.tests.helpers import (
    CARD_OK,
    STRIPE_CARD_DECLINED,
    WEBHOOK_SECRET,
    customer_authenticates,
    customer_pays,
    event_payload,
    pending_order,
    post_webhook,
    refunds_at_provider,
    sign,
)
from tickets.models import Order, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(stripe_api):
    """A pending order whose Stripe payment was started (the buyer is on the payment page)."""
    order = pending_order(quantity=2)
    payment = payment_start(order=order, now=timezone.now())
    return order, payment


def deliver(client, event_type: str, obj: dict, *, event_id: str | None = None):
    payload = event_payload(event_type, obj, event_id=event_id)
    return post_webhook(client, payload, sign(payload))


# --- verification: 400 and nothing written --------------------------------------------------------


@pytest.mark.parametrize(
    "make_signature",
    [
        pytest.param(lambda payload: sign(payload, secret="whsec_someone_else"), id="wrong-secret"),
        pytest.param(lambda payload: sign(payload, timestamp=int(time.time()) - 3600), id="stale-timestamp"),
        pytest.param(lambda payload: sign(payload + b" "), id="signature-of-other-body"),
        pytest.param(lambda payload: "t=1,v1=00", id="garbage"),
        pytest.param(lambda payload: "", id="empty-header"),
        pytest.param(lambda payload: None, id="no-header"),
    ],
)
def test_a_webhook_that_is_not_signed_with_our_secret_is_refused(client, started, make_signature):
    _order, payment = started
    payload = event_payload("payment_intent.succeeded", {"id": payment.provider_payment_id, "object": "payment_intent"})

    response = post_webhook(client, payload, make_signature(payload))

    payment.refresh_from_db()
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert payment.status == Payment.Status.PENDING


@pytest.mark.usefixtures("stripe_api")
@pytest.mark.parametrize(
    "payload",
    [b"not json", b'{"type": "payment_intent.succeeded", "data": {"object": {}}}', b'{"id": "evt_1", "type": "x"}'],
    ids=["not-json", "no-id", "no-object"],
)
def test_a_signed_but_malformed_event_is_refused(client, payload):
    response = post_webhook(client, payload, sign(payload))

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_webhooks_are_refused_while_no_secret_is_configured(client, started, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = event_payload("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})

    response = post_webhook(client, payload, sign(payload, secret=WEBHOOK_SECRET))

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_the_webhook_only_accepts_post(client):
    assert client.get("/payments/stripe/webhook/").status_code == 405


# --- processing -----------------------------------------------------------------------------------


def test_a_succeeded_event_pays_the_order(client, started, stripe_api, django_capture_on_commit_callbacks):
    order, payment = started
    intent = customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, "payment_intent.succeeded", intent)

    payment.refresh_from_db()
    order.refresh_from_db()
    event = WebhookEvent.objects.get()
    assert response.status_code == 200
    assert event.processed_at is not None and event.type == "payment_intent.succeeded"
    assert payment.status == Payment.Status.SUCCEEDED and order.status == Order.Status.PAID
    assert [message.to for message in mail.outbox] == [[order.buyer.email]]


def test_the_same_event_delivered_10_times_is_stored_and_applied_once(
    client, started, stripe_api, django_capture_on_commit_callbacks
):
    order, payment = started
    intent = customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    payload = event_payload("payment_intent.succeeded", intent)

    with django_capture_on_commit_callbacks(execute=True):
        responses = [post_webhook(client, payload, sign(payload)) for _ in range(10)]

    assert [response.status_code for response in responses] == [200] * 10
    assert WebhookEvent.objects.count() == 1
    assert Payment.objects.filter(status=Payment.Status.SUCCEEDED).count() == 1
    assert order.tickets.filter(status=Ticket.Status.VALID).count() == 2
    assert TicketType.objects.get(pk=order.lines.get().ticket_type_id).sold == 2
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "sequence",
    [
        ["payment_intent.payment_failed", "payment_intent.succeeded"],
        ["payment_intent.succeeded", "payment_intent.payment_failed"],
        ["payment_intent.processing", "payment_intent.succeeded", "payment_intent.payment_failed"],
    ],
    ids=["failed-then-succeeded", "succeeded-then-failed", "processing-succeeded-failed"],
)
def test_event_order_does_not_matter_the_provider_state_decides(
    client, started, stripe_api, django_capture_on_commit_callbacks, sequence
):
    order, payment = started
    intent = customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)

    with django_capture_on_commit_callbacks(execute=True):
        for event_type in sequence:
            deliver(client, event_type, intent)

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and order.status == Order.Status.PAID
    assert TicketType.objects.get(pk=order.lines.get().ticket_type_id).sold == 2


@pytest.mark.parametrize(
    "sequence",
    [["payment_intent.payment_failed"], ["payment_intent.succeeded", "payment_intent.payment_failed"]],
    ids=["failed", "forged-succeeded-then-failed"],
)
def test_a_declined_intent_stays_failed_whatever_the_events_claim(
    client, started, stripe_api, django_capture_on_commit_callbacks, sequence
):
    order, payment = started
    intent = customer_pays(stripe_api, payment.provider_payment_id, STRIPE_CARD_DECLINED)

    with django_capture_on_commit_callbacks(execute=True):
        for event_type in sequence:
            deliver(client, event_type, {**intent, "status": "succeeded"})

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.FAILED and payment.failure_code
    assert order.status == Order.Status.PENDING


def test_a_3d_secure_payment_waits_then_succeeds(client, started, stripe_api, django_capture_on_commit_callbacks):
    order, payment = started
    intent = customer_pays(stripe_api, payment.provider_payment_id, "4000002760003184")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment_intent.requires_action", intent)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_ACTION

    intent = customer_authenticates(stripe_api, intent)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment_intent.succeeded", intent)

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and order.status == Order.Status.PAID


def test_a_payment_whose_creation_was_not_recorded_is_found_by_its_metadata(
    client, stripe_api, django_capture_on_commit_callbacks
):
    order = pending_order()
    payment = Payment.objects.create(order=order, provider="stripe", amount=order.total, currency=order.currency)
    state = get_provider("stripe").create_payment(payment=payment)  # the process died before recording this
    intent = customer_pays(stripe_api, state.provider_payment_id, CARD_OK)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment_intent.succeeded", intent)

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.provider_payment_id == state.provider_payment_id
    assert payment.status == Payment.Status.SUCCEEDED and order.status == Order.Status.PAID


@pytest.mark.usefixtures("stripe_api")
@pytest.mark.parametrize(
    ("event_type", "obj"),
    [
        ("customer.created", {"id": "cus_1", "object": "customer"}),
        ("payment_intent.succeeded", {"id": "pi_not_ours", "object": "payment_intent", "metadata": {}}),
    ],
    ids=["uninteresting-type", "unknown-intent"],
)
def test_events_about_nothing_of_ours_are_stored_and_marked_processed(
    client, django_capture_on_commit_callbacks, event_type, obj
):
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, event_type, obj)

    event = WebhookEvent.objects.get()
    assert response.status_code == 200
    assert event.processed_at is not None and event.last_error == ""


def test_a_refund_made_in_the_stripe_dashboard_is_recorded_and_the_order_refunded(
    client, started, stripe_api, django_capture_on_commit_callbacks
):
    order, payment = started
    intent = customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment_intent.succeeded", intent)
    stripe_api.v1.refunds.create(params={"payment_intent": intent["id"]})

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": intent["id"]})

    payment.refresh_from_db()
    order.refresh_from_db()
    refund = Refund.objects.get()
    assert (refund.kind, refund.status, refund.amount) == (Refund.Kind.PROVIDER, Refund.Status.SUCCEEDED, order.total)
    assert payment.status == Payment.Status.REFUNDED and order.status == Order.Status.REFUNDED
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.REFUNDED}
    assert TicketType.objects.get(pk=order.lines.get().ticket_type_id).sold == 0


def test_a_partial_dashboard_refund_keeps_the_order_paid(
    client, started, stripe_api, django_capture_on_commit_callbacks
):
    order, payment = started
    intent = customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment_intent.succeeded", intent)
    stripe_api.v1.refunds.create(params={"payment_intent": intent["id"], "amount": 500})

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": intent["id"]})

    payment.refresh_from_db()
    order.refresh_from_db()
    assert Refund.objects.get().amount == Decimal("5.00")
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED and order.status == Order.Status.PAID


def test_a_payment_after_the_tickets_were_sold_is_refunded_at_stripe(
    client, stripe_api, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from payments.tests.helpers import take_remaining_capacity
    from tickets.services.orders import orders_expire_due

    order = pending_order(quantity=2, capacity=2)
    payment = payment_start(order=order, now=timezone.now())
    later = order.expires_at + timedelta(minutes=1)
    orders_expire_due(now=later)
    take_remaining_capacity(order, now=later)
    intent = customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment_intent.succeeded", intent)

    order.refresh_from_db()
    payment.refresh_from_db()
    refund = Refund.objects.get()
    at_stripe = refunds_at_provider(stripe_api, intent["id"])
    assert order.status == Order.Status.EXPIRED
    assert (refund.kind, refund.status) == (Refund.Kind.LATE_PAYMENT, Refund.Status.SUCCEEDED)
    assert [item["id"] for item in at_stripe] == [refund.provider_refund_id]
    assert at_stripe[0]["amount"] == 4000 and payment.status == Payment.Status.REFUNDED
    assert "is being refunded" in mail.outbox[0].subject


def test_events_whose_processing_was_lost_are_due_for_the_sweep(client, started):
    _order, payment = started
    deliver(client, "payment_intent.succeeded", {"id": payment.provider_payment_id, "object": "payment_intent"})
    event = WebhookEvent.objects.get()

    due_now = webhook_event_list_due(now=timezone.now())
    due_later = webhook_event_list_due(now=timezone.now() + timezone.timedelta(minutes=2))

    assert event.processed_at is None
    assert due_now == [] and due_later == [event.pk]
