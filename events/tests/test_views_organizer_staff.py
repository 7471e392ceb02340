"""The organizer's gate staff page through its URLs: add by e-mail, remove, and the refusals."""

import pytest

from accounts.tests.factories import UserFactory
from events.models import EventStaff
from events.tests.factories import EventFactory
from events.tests.helpers_organizer_pages import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(organizer, client):
    """The organizer of conftest, signed in: every test here browses the dashboard as them."""
    client.force_login(organizer)
    return organizer


# --- Gate staff ------------------------------------------------------------------------------------------


def test_staff_add_by_email_and_remove(client, organizer):
    event = EventFactory(organizer=organizer)
    gate = UserFactory(email="gate@example.com", name="Gabriel Gate")

    added = client.post(url("event_staff", event.pk), {"email": "GATE@example.com"})
    listed = client.get(url("event_staff", event.pk)).content.decode()
    client.post(url("staff_remove", event.pk, gate.pk))

    assert added.status_code == 302 and "Gabriel Gate" in listed
    assert not EventStaff.objects.exists()


def test_staff_add_with_an_unknown_address_explains_next_to_the_field(client, organizer):
    event = EventFactory(organizer=organizer)

    response = client.post(url("event_staff", event.pk), {"email": "nobody@example.com"})

    assert response.context["form"].errors["email"][0].startswith("No account uses this e-mail address")
    assert not EventStaff.objects.exists()


def test_staff_add_twice_explains(client, organizer):
    event = EventFactory(organizer=organizer)
    gate = UserFactory()
    EventStaff.objects.create(event=event, user=gate)

    response = client.post(url("event_staff", event.pk), {"email": gate.email})

    assert "already gate staff" in response.context["form"].errors["email"][0]
