"""Provider webhooks: verify, store once, answer fast; process later by re-reading the provider.

Processing never trusts the event's snapshot of the object: it fetches the PaymentIntent's current state,
so events may arrive twice, late or out of order and the result is the same.
"""

import json
import logging
from datetime import datetime, timedelta

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from payments.errors import InvalidWebhook
from payments.models import Payment, Provider, WebhookEvent
from payments.services.payments import payment_sync

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Events about a PaymentIntent (its id is the object's id) or about its refunds (the object names it).
REFUND_EVENTS = frozenset(
    {"charge.refunded", "charge.refund.updated", "refund.created", "refund.updated", "refund.failed"}
)


def stripe_webhook_receive(*, payload: bytes, signature: str, now: datetime) -> tuple[WebhookEvent, bool]:
    """Verify a Stripe webhook and store it once; processing is scheduled after commit.

    Returns the stored event and whether this delivery was the first.
    Raises: InvalidWebhook (bad or missing signature, stale timestamp, wrong secret, malformed event).
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set; it was refused.")
        raise InvalidWebhook()
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
        data = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise InvalidWebhook() from exc
    event_id, event_type = data.get("id"), data.get("type")
    if not isinstance(event_id, str) or not event_id or not isinstance(event_type, str):
        raise InvalidWebhook()
    if not isinstance((data.get("data") or {}).get("object"), dict):
        raise InvalidWebhook()
    return _webhook_event_store(
        provider=Provider.STRIPE, event_id=event_id, event_type=event_type, payload=data, now=now
    )


def _webhook_event_store(
    *, provider: str, event_id: str, event_type: str, payload: dict, now: datetime
) -> tuple[WebhookEvent, bool]:
    from payments.tasks import process_webhook_event

    try:
        with transaction.atomic(durable=True):
            event = WebhookEvent.objects.create(
                provider=provider, event_id=event_id[:255], type=event_type[:100], payload=payload, received_at=now
            )
            process_webhook_event.delay_on_commit(event.pk)
    except IntegrityError:
        return WebhookEvent.objects.get(provider=provider, event_id=event_id[:255]), False
    return event, True


def _payment_intent_id(event: WebhookEvent) -> str:
    obj = event.payload.get("data", {}).get("object", {})
    if event.type.startswith("payment_intent.") and obj.get("object") == "payment_intent":
        return str(obj.get("id") or "")
    if event.type in REFUND_EVENTS:
        return str(obj.get("payment_intent") or "")
    return ""


def _payment_for_intent(event: WebhookEvent, intent_id: str) -> Payment | None:
    payment = Payment.objects.filter(provider=Provider.STRIPE, provider_payment_id=intent_id).first()
    if payment is not None:
        return payment
    # Our create call may have reached Stripe without its answer being recorded (a crash): the intent's
    # metadata names our row. The re-read in payment_sync checks that it really does.
    metadata = event.payload["data"]["object"].get("metadata") or {}
    payment_id = str(metadata.get("payment_id") or "")
    if payment_id.isdigit():
        return Payment.objects.filter(pk=int(payment_id), provider=Provider.STRIPE, provider_payment_id="").first()
    return None


def webhook_event_process(*, webhook_event_id: int, now: datetime) -> bool:
    """Apply one stored event by re-reading the provider. Returns False if it was already processed.

    Raises: ProviderUnavailable, ProviderError, Busy (the event stays unprocessed; the task retries).
    """
    event = WebhookEvent.objects.filter(pk=webhook_event_id).first()
    if event is None or event.processed_at is not None:
        return False
    try:
        intent_id = _payment_intent_id(event)
        payment = _payment_for_intent(event, intent_id) if intent_id else None
        if payment is not None:
            payment_sync(payment=payment, now=now, provider_payment_id=intent_id)
        elif intent_id:
            logger.info("Webhook %s names %s, which is not one of our payments.", event.event_id, intent_id)
    except Exception as exc:
        detail = getattr(exc, "context", {}).get("detail") or f"{type(exc).__name__}: {exc}"
        WebhookEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1, last_error=detail[:2000])
        raise
    WebhookEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
        processed_at=now, attempts=F("attempts") + 1, last_error=""
    )
    return True


def webhook_event_list_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Unprocessed events whose task was lost or failed, received over a minute ago, not given up on."""
    due = WebhookEvent.objects.filter(
        Q(processed_at__isnull=True), received_at__lt=now - timedelta(minutes=1), attempts__lt=MAX_ATTEMPTS
    )
    return list(due.order_by("received_at").values_list("pk", flat=True)[:limit])
