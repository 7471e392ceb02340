"""Plain helpers shared by the organizer API tests (test_api_organizer*.py); fixtures are in conftest."""

from django.urls import reverse


def event_url(event, name="api-organizer-event"):
    return reverse(name, args=[event.pk])


def error_fields(response) -> dict:
    return response.json()["error"]["fields"]


def ticket_type_url(ticket_type):
    return reverse("api-organizer-ticket-type", args=[ticket_type.pk])
