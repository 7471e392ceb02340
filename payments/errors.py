from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class PaymentDeclined(DomainError):
    """The provider refused the card. ``code`` is the provider's reason (card_declined, insufficient_funds…)."""

    code, status = "card_declined", 402
    default_message = _("Your card was declined. Please try another card.")

    def __init__(self, message: str | None = None, *, decline_code: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        if decline_code:
            self.code = decline_code


class PaidTooLate(DomainError):
    """The money arrived after the reservation expired and the tickets were sold: it is being refunded."""

    code, status = "paid_too_late", 409
    default_message = _(
        "Your reservation expired and the tickets were sold meanwhile. Your payment is being refunded in full."
    )


class OrderAlreadyPaid(DomainError):
    code, status = "order_already_paid", 409
    default_message = _("This order is already paid.")


class OrderNotPayable(DomainError):
    code, status = "order_not_payable", 422
    default_message = _("This order can no longer be paid.")


class NoActionRequired(DomainError):
    code, status = "no_action_required", 422
    default_message = _("This payment is not waiting for a confirmation.")


class WrongPaymentProvider(DomainError):
    code, status = "wrong_payment_provider", 422
    default_message = _("Card numbers are only accepted by the simulated payment provider.")


class NothingToRefund(DomainError):
    code, status = "nothing_to_refund", 422
    default_message = _("There is nothing left to refund on this order.")


class RefundExceedsPayment(DomainError):
    code, status = "refund_exceeds_payment", 422
    default_message = _("A refund cannot be larger than what is left of the payment.")


class RefundNotRetryable(DomainError):
    code, status = "refund_not_retryable", 422
    default_message = _("Only failed refunds can be sent again.")


class ProviderError(DomainError):
    """The provider refused a request; sending it again would not help."""

    code, status = "payment_provider_error", 502
    default_message = _("The payment provider refused the request. Please try again later.")


class ProviderUnavailable(DomainError):
    """The provider could not be reached (network, rate limit); the same request may be retried."""

    code, status = "payment_provider_unavailable", 503
    default_message = _("The payment provider cannot be reached right now. Please try again in a moment.")


class InvalidWebhook(DomainError):
    code, status = "invalid_webhook", 400
    default_message = _("The webhook signature or payload is not valid.")
