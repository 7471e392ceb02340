"""Helpers shared by the payments tests."""

import contextlib
import hashlib
import hmac
import json
import os
import time
import uuid
from datetime import datetime
from decimal import Decimal

import stripe
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketTypeFactory
from tickets.models import Order
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout

LOCALSTRIPE_URL = os.environ.get("LOCALSTRIPE_URL", "")
WEBHOOK_SECRET = "whsec_test_eventhorizon_0123456789"
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_3DS = "4000002500003155"
STRIPE_CARD_DECLINED = "4000000000000341"  # declines on a PaymentIntent at localstripe too


def pending_order(
    *, quantity: int = 2, capacity: int = 5, price: str = "20.00", buyer=None, now: datetime | None = None
):
    """A pending order made through the booking services (a hold, then checkout)."""
    ticket_type = TicketTypeFactory(capacity=capacity, price=Decimal(price))
    buyer = buyer or UserFactory()
    now = now or timezone.now()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, quantity)], now=now)
    names = [f"Guest {index}" for index in range(quantity)]
    return order_checkout(hold=hold, buyer=buyer, attendee_names=names, now=now)


def take_remaining_capacity(order: Order, *, now: datetime) -> None:
    """Another buyer holds everything left of the order's ticket type (after the order expired)."""
    line = order.lines.select_related("ticket_type").get()
    ticket_type = line.ticket_type
    ticket_type.refresh_from_db()
    left = ticket_type.capacity - ticket_type.sold - ticket_type.held
    hold_create(buyer=UserFactory(), event=order.event, lines=[LineRequest(ticket_type.pk, left)], now=now)


# --- Stripe -----------------------------------------------------------------------------------------


def stripe_client(api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        os.environ.get("STRIPE_TEST_SECRET_KEY", "sk_test_localstripe"),
        base_addresses={"api": api_base},
        max_network_retries=0,
    )


def customer_pays(client: stripe.StripeClient, intent_id: str, card_number: str) -> dict:
    """What Stripe Elements does in the buyer's browser: attach a card, confirm. Returns the intent."""
    card = {"number": card_number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    method = client.v1.payment_methods.create(params={"type": "card", "card": card})
    client.v1.payment_intents.update(intent_id, params={"payment_method": method.id})
    with contextlib.suppress(stripe.CardError):
        client.v1.payment_intents.confirm(intent_id)
    return client.v1.payment_intents.retrieve(intent_id).to_dict()


def refunds_at_provider(client: stripe.StripeClient, intent_id: str) -> list[dict]:
    return client.v1.refunds.list(params={"payment_intent": intent_id}).to_dict()["data"]


def event_payload(event_type: str, obj: dict, *, event_id: str | None = None) -> bytes:
    event = {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "api_version": "2025-01-27.acacia",
        "data": {"object": obj},
    }
    return json.dumps(event).encode()


def sign(payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: t=<ts>,v1=<HMAC-SHA256(secret, "<ts>.<payload>")>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{payload.decode()}".encode()
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def post_webhook(client, payload: bytes, signature: str | None = None):
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post(reverse("payments:stripe_webhook"), data=payload, content_type="application/json", **headers)


def customer_authenticates(client: stripe.StripeClient, intent: dict, *, success: bool = True) -> dict:
    """The buyer passes (or fails) the bank's 3-D Secure page (localstripe's test-only endpoint)."""
    client.raw_request(
        "post",
        f"/v1/payment_intents/{intent['id']}/_authenticate",
        client_secret=intent["client_secret"],
        success="true" if success else "false",
    )
    return client.v1.payment_intents.retrieve(intent["id"]).to_dict()
