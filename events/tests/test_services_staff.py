"""Gate staff per event: added by e-mail, removed at any time."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.errors import AlreadyStaff, StaffUserNotFound
from events.models import EventStaff
from events.services.staff import staff_add, staff_remove
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_staff_add_finds_the_account_whatever_the_case():
    event = EventFactory()
    gate = UserFactory(email="gate@example.com")

    staff = staff_add(event=event, email=" Gate@Example.COM ", actor=event.organizer, now=timezone.now())

    assert (staff.event, staff.user, staff.added_by) == (event, gate, event.organizer)
    assert AuditLogEntry.objects.get(action="event.staff_added").data == {"user": gate.pk}


def test_staff_add_with_an_unknown_address_is_refused():
    event = EventFactory()

    with pytest.raises(StaffUserNotFound, match="No account uses this e-mail address"):
        staff_add(event=event, email="nobody@example.com", actor=event.organizer, now=timezone.now())

    assert not EventStaff.objects.exists()


def test_staff_add_of_a_deactivated_account_is_refused():
    event = EventFactory()
    UserFactory(email="gone@example.com", is_active=False)

    with pytest.raises(StaffUserNotFound):
        staff_add(event=event, email="gone@example.com", actor=event.organizer, now=timezone.now())


def test_staff_add_twice_is_refused_and_keeps_one_row():
    event = EventFactory()
    UserFactory(email="gate@example.com")
    staff_add(event=event, email="gate@example.com", actor=event.organizer, now=timezone.now())

    with pytest.raises(AlreadyStaff):
        staff_add(event=event, email="gate@example.com", actor=event.organizer, now=timezone.now())

    assert EventStaff.objects.count() == 1


def test_staff_of_one_event_is_not_staff_of_another():
    event, other = EventFactory(), EventFactory()
    gate = UserFactory()

    staff_add(event=event, email=gate.email, actor=event.organizer, now=timezone.now())

    assert not EventStaff.objects.filter(event=other, user=gate).exists()


def test_staff_remove_revokes_access_and_records_it():
    event = EventFactory()
    gate = UserFactory()
    staff_add(event=event, email=gate.email, actor=event.organizer, now=timezone.now())

    staff_remove(event=event, user_id=gate.pk, actor=event.organizer, now=timezone.now())

    assert not EventStaff.objects.exists()
    assert AuditLogEntry.objects.filter(action="event.staff_removed").count() == 1


def test_staff_remove_of_someone_not_on_staff_changes_nothing():
    event = EventFactory()

    staff_remove(event=event, user_id=UserFactory().pk, actor=event.organizer, now=timezone.now())

    assert not AuditLogEntry.objects.filter(action="event.staff_removed").exists()
