"""The providers on their own: the simulated card rules, and the Stripe provider against localstripe."""

from decimal import Decimal

import pytest
from django.utils import timezone

from payments.errors import ProviderError, ProviderUnavailable
from payments.models import Payment
from payments.providers import get_provider
from payments.providers.simulated import SimulatedProvider, normalize_card_number
from payments.providers.stripe import StripeProvider, from_minor_units, to_minor_units
from payments.services.payments import payment_start
from payments.tests.helpers import (
    CARD_OK,
    LOCALSTRIPE_URL,
    STRIPE_CARD_DECLINED,
    customer_pays,
    pending_order,
)

# --- simulated --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4242 4242 4242 4242", "4242424242424242"),
        ("4000-0025-0000-3155", "4000002500003155"),
        ("4242 4242 4242 4241", ""),  # Luhn
        ("4242", ""),
        ("４２４２４２４２４２４２４２４２", ""),  # full-width digits
        ("", ""),
    ],
)
def test_card_numbers_are_normalised_and_checked(raw, expected):
    assert normalize_card_number(raw) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("card", "status", "code"),
    [
        ("4242424242424242", "succeeded", ""),
        ("4000000000000002", "failed", "card_declined"),
        ("4000000000009995", "failed", "insufficient_funds"),
        ("4000002500003155", "requires_action", ""),
        ("4111111111111111", "failed", "test_card_required"),
    ],
)
def test_simulated_test_cards_decide_the_outcome(card, status, code):
    order = pending_order()
    payment = Payment.objects.create(order=order, provider="simulated", amount=order.total, currency=order.currency)

    state = SimulatedProvider().confirm_card(payment=payment, card_number=card)

    assert (state.status, state.failure_code) == (status, code)


@pytest.mark.django_db
def test_simulated_creation_is_idempotent_per_payment():
    order = pending_order()
    payment = Payment.objects.create(order=order, provider="simulated", amount=order.total, currency=order.currency)

    first = SimulatedProvider().create_payment(payment=payment)
    second = SimulatedProvider().create_payment(payment=payment)

    assert first == second and first.provider_payment_id.startswith("simpi_")


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("25.00", "EUR", 2500), ("19.99", "usd", 1999), ("1500", "JPY", 1500), ("0.50", "GBP", 50)],
)
def test_amounts_convert_to_stripe_minor_units_and_back(amount, currency, minor):
    assert to_minor_units(Decimal(amount), currency) == minor
    assert from_minor_units(minor, currency) == Decimal(amount)


def test_the_configured_provider_is_chosen_by_settings(settings):
    settings.PAYMENT_PROVIDER = "simulated"
    assert isinstance(get_provider(), SimulatedProvider)

    settings.PAYMENT_PROVIDER = "stripe"
    assert isinstance(get_provider(), StripeProvider)


# --- Stripe, against localstripe ---------------------------------------------------------------------

localstripe = pytest.mark.skipif(
    not LOCALSTRIPE_URL, reason="LOCALSTRIPE_URL is not set: start bin/localstripe (CI does) to run this"
)


@pytest.fixture
def stripe_payment(db, stripe_api):
    order = pending_order(quantity=1, price="25.00")
    return payment_start(order=order, now=timezone.now())


@localstripe
def test_localstripe_creates_an_intent_for_the_payment(stripe_api, stripe_payment):
    intent = stripe_api.v1.payment_intents.retrieve(stripe_payment.provider_payment_id).to_dict()

    assert stripe_payment.status == Payment.Status.PENDING and stripe_payment.client_secret
    assert (intent["amount"], intent["currency"]) == (2500, "eur")
    assert intent["metadata"] == {"payment_id": str(stripe_payment.pk), "order": stripe_payment.order.code}


@localstripe
def test_localstripe_intent_with_the_card_attached_at_creation_is_confirmed(stripe_api):
    card = {"number": CARD_OK, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    method = stripe_api.v1.payment_methods.create(params={"type": "card", "card": card})
    intent = stripe_api.v1.payment_intents.create(
        params={"amount": 2500, "currency": "eur", "payment_method_types": ["card"], "payment_method": method.id}
    )
    stripe_api.v1.payment_intents.confirm(intent.id)

    state = get_provider("stripe").retrieve(provider_payment_id=intent.id)

    assert (state.status, state.amount, state.currency) == ("succeeded", Decimal("25.00"), "EUR")


@localstripe
def test_localstripe_payment_confirmed_in_the_browser_reads_as_succeeded(stripe_api, stripe_payment):
    customer_pays(stripe_api, stripe_payment.provider_payment_id, CARD_OK)

    state = get_provider("stripe").retrieve(provider_payment_id=stripe_payment.provider_payment_id)

    assert (state.status, state.payment_id, state.amount) == ("succeeded", stripe_payment.pk, Decimal("25.00"))


@localstripe
def test_localstripe_declined_card_reads_as_failed(stripe_api, stripe_payment):
    customer_pays(stripe_api, stripe_payment.provider_payment_id, STRIPE_CARD_DECLINED)

    state = get_provider("stripe").retrieve(provider_payment_id=stripe_payment.provider_payment_id)

    assert (state.status, state.failure_code) == ("failed", "card_declined")
    assert state.failure_message


@localstripe
def test_localstripe_3d_secure_card_reads_as_requires_action(stripe_api, stripe_payment):
    customer_pays(stripe_api, stripe_payment.provider_payment_id, "4000002760003184")

    state = get_provider("stripe").retrieve(provider_payment_id=stripe_payment.provider_payment_id)

    assert state.status == "requires_action"


@localstripe
def test_localstripe_refund_is_made_and_listed_with_our_id(stripe_api, stripe_payment):
    customer_pays(stripe_api, stripe_payment.provider_payment_id, CARD_OK)
    provider = get_provider("stripe")

    refund = provider.refund(payment=stripe_payment, amount=Decimal("10.00"), idempotency_key="k-1", refund_id=41)

    state = provider.retrieve(provider_payment_id=stripe_payment.provider_payment_id)
    assert (refund.status, refund.amount, refund.refund_id) == ("succeeded", Decimal("10.00"), 41)
    assert provider.retrieve_refund(provider_refund_id=refund.provider_refund_id).status == "succeeded"
    assert [(r.provider_refund_id, r.refund_id) for r in state.refunds] == [(refund.provider_refund_id, 41)]


@localstripe
def test_localstripe_refusals_are_provider_errors(stripe_api):
    with pytest.raises(ProviderError):
        get_provider("stripe").retrieve(provider_payment_id="pi_does_not_exist")


@pytest.mark.django_db
def test_an_unreachable_stripe_is_provider_unavailable(stripe_api, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    with pytest.raises(ProviderUnavailable):
        get_provider("stripe").retrieve(provider_payment_id="pi_x")


@pytest.mark.skipif(bool(LOCALSTRIPE_URL), reason="localstripe does not replay Idempotency-Key answers")
def test_creating_the_same_payment_twice_gives_the_same_intent(stripe_api, stripe_payment):
    state = get_provider("stripe").create_payment(payment=stripe_payment)

    assert state.provider_payment_id == stripe_payment.provider_payment_id
