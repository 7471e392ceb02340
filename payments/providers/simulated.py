"""The embedded provider: no network, test cards decide the outcome (like Stripe's test mode).

Nothing leaves the machine and the card number is only looked at, never stored or logged. The provider's
"server side" state is our own Payment row, so ``retrieve`` reads it back.
"""

import hashlib
from decimal import Decimal

from django.utils.translation import gettext as _

from payments.providers.base import PaymentProvider, ProviderPayment, ProviderRefund

SUCCEEDS = "succeeded"
REQUIRES_ACTION = "requires_action"
FAILED = "failed"

# Card number → (outcome, decline code). Any other valid number is declined as "not a test card".
TEST_CARDS = {
    "4242424242424242": (SUCCEEDS, ""),
    "5555555555554444": (SUCCEEDS, ""),
    "4000000000000002": (FAILED, "card_declined"),
    "4000000000009995": (FAILED, "insufficient_funds"),
    "4000000000000069": (FAILED, "expired_card"),
    "4000002500003155": (REQUIRES_ACTION, ""),
}


def decline_message(code: str) -> str:
    return {
        "insufficient_funds": _("Your card has insufficient funds."),
        "expired_card": _("Your card has expired."),
        "authentication_failed": _("The card's 3-D Secure check was not completed."),
        "test_card_required": _("This is the simulated provider: use a test card such as 4242 4242 4242 4242."),
    }.get(code, _("Your card was declined."))


def normalize_card_number(raw: str) -> str:
    """Digits only (spaces and dashes dropped); '' when it cannot be a card number (length, Luhn)."""
    digits = "".join(ch for ch in raw if ch not in " -")
    if not digits.isascii() or not digits.isdigit() or not 12 <= len(digits) <= 19:
        return ""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return digits if total % 10 == 0 else ""


def _derived_id(prefix: str, key: str) -> str:
    """The same key always names the same simulated object, like an idempotent provider call."""
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


class SimulatedProvider(PaymentProvider):
    name = "simulated"

    def _state(self, payment, status: str, failure_code: str = "") -> ProviderPayment:
        return ProviderPayment(
            provider_payment_id=payment.provider_payment_id,
            status=status,
            amount=payment.amount,
            currency=payment.currency,
            client_secret=payment.client_secret,
            payment_id=payment.pk,
            failure_code=failure_code,
            failure_message=decline_message(failure_code) if failure_code else "",
        )

    def create_payment(self, *, payment) -> ProviderPayment:
        provider_id = _derived_id("simpi", payment.idempotency_key)
        return ProviderPayment(
            provider_payment_id=provider_id,
            status="pending",
            amount=payment.amount,
            currency=payment.currency,
            client_secret=_derived_id(f"{provider_id}_secret", payment.idempotency_key),
            payment_id=payment.pk,
        )

    def confirm_card(self, *, payment, card_number: str) -> ProviderPayment:
        outcome, code = TEST_CARDS.get(card_number, (FAILED, "test_card_required"))
        return self._state(payment, outcome, code)

    def confirm_action(self, *, payment, approve: bool) -> ProviderPayment:
        if approve:
            return self._state(payment, SUCCEEDS)
        return self._state(payment, FAILED, "authentication_failed")

    def retrieve(self, *, provider_payment_id: str) -> ProviderPayment:
        from payments.models import Payment

        payment = Payment.objects.get(provider=self.name, provider_payment_id=provider_payment_id)
        return self._state(payment, payment.status, payment.failure_code)

    def refund(self, *, payment, amount: Decimal, idempotency_key: str, refund_id: int) -> ProviderRefund:
        return ProviderRefund(
            provider_refund_id=_derived_id("simre", idempotency_key),
            status="succeeded",
            amount=amount,
            refund_id=refund_id,
        )

    def retrieve_refund(self, *, provider_refund_id: str) -> ProviderRefund:
        from payments.models import Refund

        refund = Refund.objects.get(provider_refund_id=provider_refund_id)
        return ProviderRefund(
            provider_refund_id=provider_refund_id, status="succeeded", amount=refund.amount, refund_id=refund.pk
        )
