import uuid

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from checkin.tests.factories import event_soon, gate_staff, ticket_issued
from tickets.tests.conftest import race  # noqa: F401  (the shared PostgreSQL race fixture)


@pytest.fixture
def event():
    return event_soon()


@pytest.fixture
def ticket(event):
    return ticket_issued(event=event)


@pytest.fixture
def gate(event):
    return gate_staff(event)


def bearer(user) -> str:
    return f"Bearer {RefreshToken.for_user(user).access_token}"


@pytest.fixture
def scanner_for():
    """An API client signed in with a JWT, as the scanner app is."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=bearer(user))
        return client

    return make


@pytest.fixture
def scanner(scanner_for, gate):
    return scanner_for(gate)


def new_scan_id() -> str:
    return str(uuid.uuid4())
