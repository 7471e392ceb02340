"""The payment provider interface. Providers are adapters: they talk to the outside and return plain values.

No provider method may be called inside a database transaction or while a lock is held (STYLE §4): the
services write a pending row, commit, call the provider with the row's idempotency key, and record the
answer in a new transaction.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from payments.errors import WrongPaymentProvider

if TYPE_CHECKING:
    from payments.models import Payment


@dataclass(frozen=True)
class ProviderRefund:
    """A refund as the provider sees it. ``status`` is a ``Refund.Status`` value."""

    provider_refund_id: str
    status: str
    amount: Decimal
    refund_id: int | None = None  # ours, from the provider object's metadata
    failure_reason: str = ""


@dataclass(frozen=True)
class ProviderPayment:
    """A payment as the provider sees it now. ``status`` is a ``Payment.Status`` value."""

    provider_payment_id: str
    status: str
    amount: Decimal
    currency: str
    client_secret: str = ""
    payment_id: int | None = None  # ours, from the provider object's metadata
    failure_code: str = ""
    failure_message: str = ""
    refunds: tuple[ProviderRefund, ...] = ()


class PaymentProvider(ABC):
    name: ClassVar[str]
    # Stripe keeps a declined PaymentIntent open for another card, so the next attempt reuses it.
    failed_payments_can_retry: ClassVar[bool] = False

    @abstractmethod
    def create_payment(self, *, payment: "Payment") -> ProviderPayment:
        """Register the payment (idempotent: the same payment always maps to the same provider object)."""

    @abstractmethod
    def retrieve(self, *, provider_payment_id: str) -> ProviderPayment:
        """The payment's current state, with its refunds."""

    @abstractmethod
    def refund(self, *, payment: "Payment", amount: Decimal, idempotency_key: str, refund_id: int) -> ProviderRefund:
        """Send ``amount`` back. The same idempotency key never refunds twice."""

    @abstractmethod
    def retrieve_refund(self, *, provider_refund_id: str) -> ProviderRefund:
        """A refund's current state."""

    def confirm_card(self, *, payment: "Payment", card_number: str) -> ProviderPayment:
        """Charge a card on the server (simulated provider only; Stripe confirms in the browser)."""
        raise WrongPaymentProvider()

    def confirm_action(self, *, payment: "Payment", approve: bool) -> ProviderPayment:
        """Finish (or fail) the 3-D Secure step (simulated provider only)."""
        raise WrongPaymentProvider()

    def browser_config(self) -> dict:
        """What the buyer's browser needs to confirm a payment itself (Stripe: the publishable key)."""
        return {}
