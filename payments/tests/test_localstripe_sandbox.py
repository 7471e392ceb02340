"""Smoke test of the Stripe sandbox CI runs: the ``stripe`` library talks to localstripe.

CI (``.ci/run``) starts localstripe and sets ``LOCALSTRIPE_URL``; elsewhere this test is skipped.
"""

import os

import pytest
import stripe

LOCALSTRIPE_URL = os.environ.get("LOCALSTRIPE_URL", "")

pytestmark = pytest.mark.skipif(not LOCALSTRIPE_URL, reason="localstripe not running (CI starts it)")


def test_payment_intent_is_created_and_confirmed_against_localstripe():
    client = stripe.StripeClient(
        os.environ.get("STRIPE_TEST_SECRET_KEY", "sk_test_localstripe"),
        base_addresses={"api": LOCALSTRIPE_URL},
        max_network_retries=0,
    )
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    payment_method = client.v1.payment_methods.create(params={"type": "card", "card": card})
    intent = client.v1.payment_intents.create(
        params={"amount": 2500, "currency": "eur", "payment_method": payment_method.id, "metadata": {"order": "ci"}}
    )
    assert intent.status == "requires_confirmation"

    intent = client.v1.payment_intents.confirm(intent.id)

    assert intent.status == "succeeded"
    assert intent.amount == 2500
