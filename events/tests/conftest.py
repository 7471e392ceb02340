"""Fixtures shared by several events test modules. Plain helper functions live in the ``helpers_*.py`` modules.

A module may narrow a fixture by overriding it with one of the same name: the dashboard page tests, for
example, sign their ``organizer`` in (``test_views_organizer_*.py``).
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.services.seat_maps import SectionSpec, seat_map_generate
from events.tests.factories import EventFactory, TicketTypeFactory, VenueFactory

# --- people ------------------------------------------------------------------------------------------------


@pytest.fixture
def organizer():
    return UserFactory(organizer=True, name="Olga Organizer")


@pytest.fixture
def other_organizer():
    return UserFactory(organizer=True)


@pytest.fixture
def admin_user():
    """An EventHorizon admin (the moderator role), not a Django superuser; replaces pytest-django's."""
    return UserFactory(admin=True, email="moderator@example.com")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# --- organizer API -----------------------------------------------------------------------------------------


@pytest.fixture
def client_for(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def api(client_for, organizer):
    """An API client signed in as ``organizer``."""
    return client_for(organizer)


@pytest.fixture
def venue(organizer):
    return VenueFactory(organizer=organizer, city="Lisbon")


@pytest.fixture
def draft(organizer, venue):
    return EventFactory(organizer=organizer, venue=venue, draft=True, title="Spring Gala")


# --- seat maps ---------------------------------------------------------------------------------------------


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def event(organizer):
    return EventFactory(organizer=organizer)


@pytest.fixture
def stalls(event):
    return TicketTypeFactory(event=event, name="Stalls", price=Decimal("49.00"), capacity=1)


@pytest.fixture
def balcony(event):
    return TicketTypeFactory(event=event, name="Balcony", price=Decimal("29.00"), capacity=1)


@pytest.fixture
def seated(event, stalls, balcony, now):
    """Stalls 10×12 (priced by the Stalls type) and Balcony 5×16 (Balcony type): 200 seats."""
    seat_map_generate(
        event=event,
        sections=[SectionSpec("Stalls", 10, 12, stalls), SectionSpec("Balcony", 5, 16, balcony)],
        actor=event.organizer,
        now=now,
    )
    return event


@pytest.fixture
def owner_client(client, organizer):
    """The seat map editor's client, signed in as the event's organizer."""
    client.force_login(organizer)
    return client
