"""Seat map edits: seats removed and restored, sections added, renamed, priced and deleted, rows added and
removed; capacity sync and refusals.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from core.errors import NotFound
from core.models import AuditLogEntry
from events.errors import CapacityBelowSold, EventNotEditable, SeatMapInUse
from events.models import Event, Seat, SeatMap, SeatRow, SeatSection, TicketType
from events.services.seat_maps import SectionSpec, seat_map_generate
from events.services.seat_sections import (
    row_add,
    row_remove,
    seat_toggle_removed,
    section_add,
    section_assign_zone,
    section_delete,
    section_rename,
)
from events.tests.factories import EventFactory, TicketTypeFactory
from events.tests.helpers_seat_maps import capacity, seat, section

pytestmark = pytest.mark.django_db


# --- seats -----------------------------------------------------------------------------------------


def test_seat_toggle_removed_reduces_zone_capacity(seated, stalls, balcony, now):
    seat_toggle_removed(seat=seat(seated, "Stalls", "C", 6), removed=True, actor=seated.organizer, now=now)

    assert seat(seated, "Stalls", "C", 6).is_removed
    assert (capacity(stalls), capacity(balcony)) == (119, 80)
    assert AuditLogEntry.objects.filter(action="seat_map.seat_removed").count() == 1


def test_seat_toggle_removed_puts_seat_back(seated, stalls, now):
    aisle = seat(seated, "Stalls", "C", 6)
    seat_toggle_removed(seat=aisle, removed=True, actor=None, now=now)

    seat_toggle_removed(seat=aisle, removed=False, actor=None, now=now)

    assert not seat(seated, "Stalls", "C", 6).is_removed
    assert capacity(stalls) == 120


def test_seat_toggle_removed_twice_changes_nothing_more(seated, stalls, now):
    aisle = seat(seated, "Stalls", "C", 6)
    seat_toggle_removed(seat=aisle, removed=True, actor=None, now=now)

    seat_toggle_removed(seat=aisle, removed=True, actor=None, now=now)

    assert capacity(stalls) == 119
    assert AuditLogEntry.objects.filter(action="seat_map.seat_removed").count() == 1


def test_seat_toggle_removed_refuses_to_drop_zone_below_sold(event, stalls, now):
    seat_map_generate(event=event, sections=[SectionSpec("Stalls", 1, 4, stalls)], actor=None, now=now)
    TicketType.objects.filter(pk=stalls.pk).update(sold=3, held=1)

    with pytest.raises(CapacityBelowSold):
        seat_toggle_removed(seat=seat(event, "Stalls", "A", 1), removed=True, actor=None, now=now)

    assert not seat(event, "Stalls", "A", 1).is_removed and capacity(stalls) == 4


def test_seat_toggle_removed_refuses_cancelled_event(seated, now):
    Event.objects.filter(pk=seated.pk).update(status=Event.Status.CANCELLED)

    with pytest.raises(EventNotEditable):
        seat_toggle_removed(seat=seat(seated, "Stalls", "A", 1), removed=True, actor=None, now=now)

    assert not seat(seated, "Stalls", "A", 1).is_removed


@pytest.mark.django_db(transaction=True)
def test_concurrent_seat_toggles_keep_zone_capacity_exact():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so the race cannot happen there")
    event = EventFactory()
    stalls = TicketTypeFactory(event=event, name="Stalls", capacity=1)
    seat_map_generate(event=event, sections=[SectionSpec("Stalls", 2, 10, stalls)], actor=None, now=timezone.now())
    seats = list(Seat.objects.select_related("row__section__seat_map__event").filter(row__label="A"))
    barrier = threading.Barrier(len(seats))
    outcomes = []

    def remove(target):
        try:
            barrier.wait(timeout=10)
            seat_toggle_removed(seat=target, removed=True, actor=None, now=timezone.now())
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=remove, args=(target,)) for target in seats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == ["ok"] * 10
    assert capacity(stalls) == 10


# --- sections --------------------------------------------------------------------------------------


def test_section_rename_changes_name(seated, now):
    section_rename(section=section(seated, "Balcony"), name="  Dress Circle ", actor=seated.organizer, now=now)

    assert SeatSection.objects.filter(seat_map__event=seated, name="Dress Circle").exists()
    assert AuditLogEntry.objects.get(action="seat_map.section_renamed").data == {
        "from": "Balcony",
        "to": "Dress Circle",
    }


def test_section_rename_refuses_name_of_another_section(seated, now):
    with pytest.raises(ValidationError, match="already called"):
        section_rename(section=section(seated, "Balcony"), name="STALLS", actor=None, now=now)

    assert section(seated, "Balcony").name == "Balcony"


def test_section_rename_refuses_too_long_name(seated, now):
    with pytest.raises(ValidationError, match="at most 60"):
        section_rename(section=section(seated, "Balcony"), name="B" * 61, actor=None, now=now)


def test_section_rename_refuses_ended_event(seated, now):
    Event.objects.filter(pk=seated.pk).update(status=Event.Status.ENDED)

    with pytest.raises(EventNotEditable):
        section_rename(section=section(seated, "Balcony"), name="Gallery", actor=None, now=now)


def test_section_assign_zone_moves_seats_between_zones(seated, stalls, balcony, now):
    section_assign_zone(section=section(seated, "Balcony"), ticket_type=stalls, actor=seated.organizer, now=now)

    assert section(seated, "Balcony").ticket_type == stalls
    assert (capacity(stalls), capacity(balcony)) == (200, 0)


def test_section_assign_zone_refuses_ticket_type_of_another_event(seated, balcony, now):
    foreign = TicketTypeFactory(capacity=7)

    with pytest.raises(ValidationError, match="ticket type of this event"):
        section_assign_zone(section=section(seated, "Balcony"), ticket_type=foreign, actor=None, now=now)

    assert section(seated, "Balcony").ticket_type == balcony
    assert capacity(foreign) == 7


def test_section_assign_zone_refuses_when_current_zone_sold(seated, stalls, balcony, now):
    TicketType.objects.filter(pk=balcony.pk).update(sold=2)

    with pytest.raises(SeatMapInUse):
        section_assign_zone(section=section(seated, "Balcony"), ticket_type=stalls, actor=None, now=now)

    assert section(seated, "Balcony").ticket_type == balcony


def test_section_assign_zone_refuses_zone_that_sold_more_than_its_seats(seated, balcony, now):
    standing = TicketTypeFactory(event=seated, name="Standing", capacity=300, sold=90)

    with pytest.raises(CapacityBelowSold):
        section_assign_zone(section=section(seated, "Balcony"), ticket_type=standing, actor=None, now=now)

    assert section(seated, "Balcony").ticket_type == balcony
    assert capacity(standing) == 300


def test_section_add_appends_section_and_syncs_its_zone(seated, balcony, now):
    section_add(event=seated, spec=SectionSpec("Boxes", 2, 4, balcony), actor=None, now=now)

    assert list(SeatSection.objects.filter(seat_map__event=seated).values_list("name", flat=True)) == [
        "Stalls",
        "Balcony",
        "Boxes",
    ]
    assert capacity(balcony) == 88


def test_section_add_refuses_to_pass_5000_seats(seated, now):
    section_add(event=seated, spec=SectionSpec("Arena", 60, 80), actor=None, now=now)

    with pytest.raises(ValidationError, match="at most 5,000 seats"):
        section_add(event=seated, spec=SectionSpec("Box", 1, 1), actor=None, now=now)

    assert SeatSection.objects.filter(seat_map__event=seated).count() == 3


def test_section_add_refuses_taken_name(seated, now):
    with pytest.raises(ValidationError, match="already called"):
        section_add(event=seated, spec=SectionSpec("balcony", 1, 1), actor=None, now=now)


def test_section_add_without_seat_map_is_not_found(event, now):
    with pytest.raises(NotFound):
        section_add(event=event, spec=SectionSpec("Stalls", 1, 1), actor=None, now=now)


def test_section_delete_removes_seats_and_zeroes_its_zone(seated, stalls, balcony, now):
    map_deleted = section_delete(section=section(seated, "Balcony"), actor=None, now=now)

    assert not map_deleted
    assert Seat.objects.filter(row__section__seat_map__event=seated).count() == 120
    assert (capacity(stalls), capacity(balcony)) == (120, 0)


def test_section_delete_of_last_section_deletes_map(event, now):
    seat_map_generate(event=event, sections=[SectionSpec("Stalls", 1, 1)], actor=None, now=now)

    assert section_delete(section=section(event, "Stalls"), actor=None, now=now)

    assert not SeatMap.objects.filter(event=event).exists()


def test_section_delete_refuses_when_its_zone_has_held_tickets(seated, balcony, now):
    TicketType.objects.filter(pk=balcony.pk).update(held=1)

    with pytest.raises(SeatMapInUse):
        section_delete(section=section(seated, "Balcony"), actor=None, now=now)

    assert SeatSection.objects.filter(seat_map__event=seated).count() == 2


def test_row_add_appends_row_as_wide_as_the_section(seated, stalls, now):
    row = row_add(section=section(seated, "Stalls"), actor=None, now=now)

    assert (row.label, row.seats.count()) == ("K", 12)
    assert capacity(stalls) == 132


def test_row_remove_drops_the_last_row(seated, balcony, now):
    row_remove(section=section(seated, "Balcony"), actor=None, now=now)

    assert list(SeatRow.objects.filter(section__name="Balcony").values_list("label", flat=True)) == list("ABCD")
    assert capacity(balcony) == 64


def test_row_remove_refuses_the_only_row(event, now):
    seat_map_generate(event=event, sections=[SectionSpec("Stalls", 1, 3)], actor=None, now=now)

    with pytest.raises(ValidationError, match="only row"):
        row_remove(section=section(event, "Stalls"), actor=None, now=now)
