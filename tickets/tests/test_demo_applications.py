"""The demo hackathon has applications in every state, made through the services (SPEC §1)."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.demo import HACKATHON_QUESTIONS
from tickets.demo_applications import DEMO_EVENT, seed_applications
from tickets.models import Application
from tickets.tests.helpers_applications import approval_event

pytestmark = pytest.mark.django_db


def test_demo_applications_are_decided_through_the_services_and_seeding_twice_adds_nothing():
    event, ticket_type = approval_event(questions=HACKATHON_QUESTIONS, organizer=UserFactory(organizer=True))
    event.slug = DEMO_EVENT
    event.save()

    added = seed_applications(now=timezone.now())
    again = seed_applications(now=timezone.now())

    statuses = sorted(Application.objects.values_list("status", flat=True))
    ticket_type.refresh_from_db()
    assert (added, again) == (5, 0)
    assert statuses == ["approved", "approved", "declined", "pending", "pending"]
    assert ticket_type.sold == 4  # Priya's team of three and Hiro
    assert Application.objects.filter(attachments__isnull=False).distinct().count() == 2
