"""Fixtures for payments tests: pending orders built through the booking services, and a Stripe API.

The Stripe API is localstripe when ``LOCALSTRIPE_URL`` is set (CI), otherwise a small fake server on
127.0.0.1 (``stripe_fake``). Either way the provider talks real HTTP through the ``stripe`` library.
"""

import os

import pytest

from payments.tests.helpers import LOCALSTRIPE_URL, WEBHOOK_SECRET, stripe_client
from tickets.tests.conftest import race  # noqa: F401  (the PostgreSQL thread-race fixture)


@pytest.fixture(scope="session")
def stripe_api_base():
    """The base URL of a Stripe API for the tests: localstripe, or the fake started for this session."""
    if LOCALSTRIPE_URL:
        yield LOCALSTRIPE_URL
        return
    from payments.tests.stripe_fake import FakeStripe

    fake = FakeStripe().start()
    yield fake.url
    fake.stop()


@pytest.fixture
def stripe_api(settings, stripe_api_base):
    """Switch the site to the Stripe provider against the test API; returns a client for the test's own
    calls (what the buyer's browser or the Stripe dashboard would do)."""
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = os.environ.get("STRIPE_TEST_SECRET_KEY", "sk_test_localstripe")
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_eventhorizon"
    settings.STRIPE_API_BASE = stripe_api_base
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    return stripe_client(stripe_api_base)


@pytest.fixture
def simulated(settings):
    settings.PAYMENT_PROVIDER = "simulated"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
