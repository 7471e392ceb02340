"""Stripe PaymentIntents through the official ``stripe`` library.

The buyer's browser confirms the PaymentIntent with Stripe Elements (we hand out the client secret and the
publishable key); the server creates intents, reads their state and refunds them. Every POST carries an
idempotency key taken from our row, so a retry after a crash or a timeout never charges or refunds twice.
"""

import functools
from decimal import Decimal

import stripe
from django.conf import settings

from payments.errors import ProviderError, ProviderUnavailable
from payments.providers.base import PaymentProvider, ProviderPayment, ProviderRefund

# Currencies Stripe counts in whole units (https://docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905
)


def to_minor_units(amount: Decimal, currency: str) -> int:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return int((amount * 10**exponent).to_integral_value())


def from_minor_units(value: int, currency: str) -> Decimal:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return (Decimal(value) / 10**exponent).quantize(Decimal("0.01"))


@functools.lru_cache(maxsize=4)
def _client(secret_key: str, api_base: str, max_network_retries: int) -> stripe.StripeClient:
    """One client per configuration; its HTTP sessions are per thread, so it is shared safely."""
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": api_base} if api_base else None,
        # The library retries connection errors and 409/5xx with the same idempotency key.
        max_network_retries=max_network_retries,
        http_client=stripe.RequestsClient(timeout=(5, 30)),
    )


def _metadata_id(obj, key: str) -> int | None:
    value = (obj.get("metadata") or {}).get(key)
    return int(value) if value and str(value).isdigit() else None


def _payment_status(intent) -> tuple[str, str, str]:
    """(Payment.Status value, failure code, failure message) for a PaymentIntent."""
    status = intent["status"]
    if status == "succeeded":
        return "succeeded", "", ""
    if status == "requires_action":
        return "requires_action", "", ""
    if status == "canceled":
        return "cancelled", "", ""
    error = intent.get("last_payment_error")
    if status == "requires_payment_method" and error:
        code = error.get("decline_code") or error.get("code") or "card_declined"
        return "failed", str(code)[:64], str(error.get("message") or "")[:255]
    return "pending", "", ""  # requires_payment_method/confirmation, processing, requires_capture


def _refund_status(refund) -> str:
    return {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}.get(refund["status"], "pending")


class StripeProvider(PaymentProvider):
    name = "stripe"
    failed_payments_can_retry = True

    def __init__(self, *, client: stripe.StripeClient, publishable_key: str = "") -> None:
        self.client = client
        self.publishable_key = publishable_key

    @classmethod
    def from_settings(cls) -> "StripeProvider":
        client = _client(
            settings.STRIPE_SECRET_KEY,
            settings.STRIPE_API_BASE,
            getattr(settings, "STRIPE_MAX_NETWORK_RETRIES", 2),
        )
        return cls(client=client, publishable_key=settings.STRIPE_PUBLISHABLE_KEY)

    @staticmethod
    def _call(method, *args, **kwargs) -> dict:
        """Call the API; the answer as a plain dict, errors as ProviderUnavailable or ProviderError."""
        try:
            return method(*args, **kwargs).to_dict()
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            # Never reached Stripe, or Stripe did not run it: the same key may be sent again.
            raise ProviderUnavailable(detail=str(exc)) from exc
        except stripe.StripeError as exc:
            raise ProviderError(detail=f"{type(exc).__name__}: {exc.user_message or exc}") from exc

    def _refund(self, refund) -> ProviderRefund:
        return ProviderRefund(
            provider_refund_id=refund["id"],
            status=_refund_status(refund),
            amount=from_minor_units(refund["amount"], refund["currency"]),
            refund_id=_metadata_id(refund, "refund_id"),
            failure_reason=refund.get("failure_reason") or "",
        )

    def _payment(self, intent, refunds=()) -> ProviderPayment:
        status, failure_code, failure_message = _payment_status(intent)
        return ProviderPayment(
            provider_payment_id=intent["id"],
            status=status,
            amount=from_minor_units(intent["amount"], intent["currency"]),
            currency=intent["currency"].upper(),
            client_secret=intent.get("client_secret") or "",
            payment_id=_metadata_id(intent, "payment_id"),
            failure_code=failure_code,
            failure_message=failure_message,
            refunds=tuple(self._refund(refund) for refund in refunds),
        )

    def create_payment(self, *, payment) -> ProviderPayment:
        params = {
            "amount": to_minor_units(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            # Cards only: Elements shows the card form, and localstripe knows no automatic_payment_methods.
            "payment_method_types": ["card"],
            "metadata": {"payment_id": str(payment.pk), "order": payment.order.code},
        }
        intent = self._call(
            self.client.v1.payment_intents.create,
            params=params,
            options={"idempotency_key": f"eh-payment-{payment.idempotency_key}"},
        )
        return self._payment(intent)

    def retrieve(self, *, provider_payment_id: str) -> ProviderPayment:
        intent = self._call(self.client.v1.payment_intents.retrieve, provider_payment_id)
        refunds = []
        if intent["status"] == "succeeded":
            listing = self._call(
                self.client.v1.refunds.list, params={"payment_intent": provider_payment_id, "limit": 100}
            )
            refunds = listing["data"]
        return self._payment(intent, refunds)

    def refund(self, *, payment, amount: Decimal, idempotency_key: str, refund_id: int) -> ProviderRefund:
        refund = self._call(
            self.client.v1.refunds.create,
            params={
                "payment_intent": payment.provider_payment_id,
                "amount": to_minor_units(amount, payment.currency),
                "metadata": {"refund_id": str(refund_id), "payment_id": str(payment.pk)},
            },
            options={"idempotency_key": f"eh-refund-{idempotency_key}"},
        )
        return self._refund(refund)

    def retrieve_refund(self, *, provider_refund_id: str) -> ProviderRefund:
        return self._refund(self._call(self.client.v1.refunds.retrieve, provider_refund_id))

    def browser_config(self) -> dict:
        return {"publishable_key": self.publishable_key}
