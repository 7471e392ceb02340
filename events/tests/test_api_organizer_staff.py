"""Organizer API: the gate staff of my events."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from events.models import EventStaff
from events.tests.factories import EventFactory
from events.tests.helpers_api_organizer import error_fields, event_url

pytestmark = pytest.mark.django_db


# --- gate staff ---------------------------------------------------------------------------------------------


def test_staff_add_by_email_and_list(api, organizer, draft):
    gate = UserFactory(email="gate@example.com", name="Gus Gate")

    added = api.post(event_url(draft, "api-organizer-staff-list"), {"email": "GATE@example.com"}, format="json")
    listed = api.get(event_url(draft, "api-organizer-staff-list"))

    assert added.status_code == 201, added.content
    assert [(row["user_id"], row["email"], row["name"]) for row in listed.json()] == [
        (gate.pk, "gate@example.com", "Gus Gate")
    ]
    assert EventStaff.objects.get(event=draft).added_by == organizer


def test_staff_add_of_an_unknown_address_answers_422(api, draft):
    response = api.post(event_url(draft, "api-organizer-staff-list"), {"email": "nobody@example.com"}, format="json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "staff_user_not_found"


def test_staff_add_twice_answers_409(api, draft):
    gate = UserFactory()
    EventStaff.objects.create(event=draft, user=gate)

    response = api.post(event_url(draft, "api-organizer-staff-list"), {"email": gate.email}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_staff"


def test_staff_remove_by_body(api, draft):
    gate = UserFactory()
    EventStaff.objects.create(event=draft, user=gate)

    response = api.delete(event_url(draft, "api-organizer-staff-list"), {"user_id": gate.pk}, format="json")

    assert response.status_code == 204
    assert not EventStaff.objects.exists()


def test_staff_remove_by_url(api, draft):
    gate = UserFactory()
    EventStaff.objects.create(event=draft, user=gate)

    response = api.delete(reverse("api-organizer-staff", args=[draft.pk, gate.pk]))

    assert response.status_code == 204
    assert not EventStaff.objects.exists()


def test_staff_remove_without_user_id_answers_400(api, draft):
    response = api.delete(event_url(draft, "api-organizer-staff-list"), {}, format="json")

    assert response.status_code == 400
    assert "user_id" in error_fields(response)


def test_staff_of_another_organizers_event_answers_404(api, other_organizer):
    event = EventFactory(organizer=other_organizer)
    gate = UserFactory()
    EventStaff.objects.create(event=event, user=gate)

    listed = api.get(event_url(event, "api-organizer-staff-list"))
    added = api.post(event_url(event, "api-organizer-staff-list"), {"email": UserFactory().email}, format="json")
    removed = api.delete(reverse("api-organizer-staff", args=[event.pk, gate.pk]))

    assert (listed.status_code, added.status_code, removed.status_code) == (404, 404, 404)
    assert EventStaff.objects.filter(event=event).count() == 1
