"""Payment providers, chosen by ``settings.PAYMENT_PROVIDER`` ("simulated" or "stripe")."""

from django.conf import settings

from payments.providers.base import PaymentProvider, ProviderPayment, ProviderRefund

__all__ = ["PaymentProvider", "ProviderPayment", "ProviderRefund", "get_provider"]


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider called ``name`` (a payment's ``provider``), or the configured one."""
    name = name or settings.PAYMENT_PROVIDER
    if name == "simulated":
        from payments.providers.simulated import SimulatedProvider

        return SimulatedProvider()
    if name == "stripe":
        from payments.providers.stripe import StripeProvider

        return StripeProvider.from_settings()
    raise ValueError(f"Unknown payment provider {name!r}")
