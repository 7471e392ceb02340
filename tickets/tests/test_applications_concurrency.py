"""Approval races on PostgreSQL with real threads, one connection each (skipped on SQLite)."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.errors import Busy
from events.models import TicketType
from tickets.errors import ApplicationAlreadyDecided, SoldOut
from tickets.models import Application, Order
from tickets.services.applications import application_approve, application_decline
from tickets.tests.helpers_applications import application_submitted, approval_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_20_approvals_racing_for_8_places_never_approve_more_than_8(race):
    event, ticket_type = approval_event(capacity=8)
    applications = [application_submitted(ticket_type=ticket_type) for _ in range(20)]
    organizer = event.organizer

    results = race(
        lambda i: application_approve(application=applications[i], actor=organizer, now=timezone.now()), n=20
    )

    approved = sum(isinstance(result, Application) for result in results)
    busy = sum(isinstance(result, Busy) for result in results)
    assert all(isinstance(result, (Application, SoldOut, Busy)) for result in results), results
    # Busy (a lock wait past BOOKING_LOCK_TIMEOUT_MS on a starved test thread) leaves an application pending.
    assert approved == 8 or (busy and approved < 8)
    assert Application.objects.filter(status=Application.Status.APPROVED).count() == approved
    assert TicketType.objects.get(pk=ticket_type.pk).sold == approved


def test_one_application_approved_and_declined_10_times_at_once_is_decided_once(race):
    event, ticket_type = approval_event(price="30.00", capacity=10)
    application = application_submitted(ticket_type=ticket_type)
    admin = UserFactory(admin=True)

    def decide(i):
        if i % 2:
            return application_decline(application=application, actor=admin, reason="No room.", now=timezone.now())
        return application_approve(application=application, actor=event.organizer, now=timezone.now())

    results = race(decide, n=10)

    assert sum(isinstance(result, Application) for result in results) == 1
    assert sum(isinstance(result, ApplicationAlreadyDecided) for result in results) == 9, results
    application.refresh_from_db()
    assert Order.objects.count() == (1 if application.status == Application.Status.APPROVED else 0)
    assert TicketType.objects.get(pk=ticket_type.pk).held == Order.objects.count()
