"""Seat map services and the layout selector: grids, price zones, capacity sync, limits and refusals."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from core.errors import NotFound
from core.models import AuditLogEntry
from events.errors import CapacityBelowSold, EventNotEditable, SeatMapInUse
from events.models import Event, Seat, SeatMap, SeatRow, SeatSection, TicketType
from events.selectors.seating import SEAT_AVAILABLE, SEAT_REMOVED, SEAT_TAKEN, seat_map_layout
from events.services.seat_maps import (
    SectionSpec,
    row_add,
    row_label,
    row_remove,
    seat_map_copy,
    seat_map_generate,
    seat_toggle_removed,
    section_add,
    section_assign_zone,
    section_delete,
    section_rename,
)
from events.tests.factories import EventFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def event():
    return EventFactory()


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


def section(event, name):
    return SeatSection.objects.select_related("seat_map__event").get(seat_map__event=event, name=name)


def seat(event, section_name, row, number):
    return Seat.objects.select_related("row__section__seat_map__event").get(
        row__section__seat_map__event=event, row__section__name=section_name, row__label=row, number=number
    )


def capacity(ticket_type):
    ticket_type.refresh_from_db()
    return ticket_type.capacity


# --- row labels and generation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "label"), [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (701, "ZZ")]
)
def test_row_label_counts_like_theatre_rows(index, label):
    assert row_label(index) == label


def test_seat_map_generate_creates_sections_rows_and_seats(seated):
    sections = list(SeatSection.objects.filter(seat_map__event=seated))

    assert [(s.name, s.position) for s in sections] == [("Stalls", 0), ("Balcony", 1)]
    assert SeatRow.objects.filter(section=sections[0]).count() == 10
    assert SeatRow.objects.filter(section=sections[1]).count() == 5
    assert Seat.objects.filter(row__section__seat_map__event=seated).count() == 200
    assert list(Seat.objects.filter(row__section=sections[1], row__label="A").values_list("number", flat=True)) == list(
        range(1, 17)
    )


def test_seat_map_generate_labels_rows_past_z(event, now):
    seat_map_generate(event=event, sections=[SectionSpec("Arena", 30, 2)], actor=event.organizer, now=now)

    labels = list(SeatRow.objects.filter(section__seat_map__event=event).values_list("label", flat=True))

    assert labels[:2] == ["A", "B"] and labels[25:] == ["Z", "AA", "AB", "AC", "AD"]


def test_seat_map_generate_sets_price_zone_capacities_to_their_seats(seated, stalls, balcony):
    assert (capacity(stalls), capacity(balcony)) == (120, 80)


def test_seat_map_generate_leaves_other_ticket_types_alone(event, stalls, now):
    standing = TicketTypeFactory(event=event, name="Standing", capacity=300)

    seat_map_generate(event=event, sections=[SectionSpec("Stalls", 2, 5, stalls)], actor=event.organizer, now=now)

    assert (capacity(stalls), capacity(standing)) == (10, 300)


def test_seat_map_generate_records_audit_entry(seated):
    entry = AuditLogEntry.objects.get(action="seat_map.generated")

    assert entry.data == {"sections": ["Stalls", "Balcony"], "seats": 200}


def test_seat_map_regenerate_replaces_map_and_frees_unused_zones(seated, stalls, balcony, now):
    seat_map_generate(
        event=seated, sections=[SectionSpec("Floor", 4, 5, stalls)], actor=seated.organizer, now=now, stage_label="DJ"
    )

    assert list(SeatSection.objects.filter(seat_map__event=seated).values_list("name", flat=True)) == ["Floor"]
    assert SeatMap.objects.get(event=seated).stage_label == "DJ"
    assert (capacity(stalls), capacity(balcony)) == (20, 0)


@pytest.mark.parametrize("field", ["sold", "held"])
def test_seat_map_regenerate_is_refused_once_a_zone_sold_or_held(seated, stalls, now, field):
    TicketType.objects.filter(pk=stalls.pk).update(**{field: 1})

    with pytest.raises(SeatMapInUse):
        seat_map_generate(event=seated, sections=[SectionSpec("Floor", 1, 1)], actor=seated.organizer, now=now)

    assert Seat.objects.filter(row__section__seat_map__event=seated).count() == 200


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (SectionSpec("Stalls", 0, 10), "between 1 and 60 rows"),
        (SectionSpec("Stalls", 61, 10), "between 1 and 60 rows"),
        (SectionSpec("Stalls", 10, 0), "between 1 and 80 seats"),
        (SectionSpec("Stalls", 10, 500), "between 1 and 80 seats"),
        (SectionSpec("  ", 10, 10), "Enter a name"),
        (SectionSpec("x" * 61, 10, 10), "at most 60 characters"),
    ],
)
def test_seat_map_generate_refuses_bad_grids(event, now, spec, message):
    with pytest.raises(ValidationError, match=message):
        seat_map_generate(event=event, sections=[spec], actor=event.organizer, now=now)

    assert not SeatMap.objects.filter(event=event).exists()


def test_seat_map_generate_refuses_more_than_5000_seats(event, now):
    sections = [SectionSpec("Stalls", 60, 80), SectionSpec("Circle", 5, 50)]

    with pytest.raises(ValidationError, match="at most 5,000 seats"):
        seat_map_generate(event=event, sections=sections, actor=event.organizer, now=now)

    assert not SeatMap.objects.filter(event=event).exists()


def test_seat_map_generate_refuses_duplicate_section_names(event, now):
    with pytest.raises(ValidationError, match="its own name"):
        seat_map_generate(
            event=event, sections=[SectionSpec("Stalls", 1, 1), SectionSpec("stalls ", 1, 1)], actor=None, now=now
        )


def test_seat_map_generate_refuses_price_zone_of_another_event(event, now):
    foreign = TicketTypeFactory()

    with pytest.raises(ValidationError, match="ticket type of this event"):
        seat_map_generate(event=event, sections=[SectionSpec("Stalls", 1, 1, foreign)], actor=None, now=now)

    assert not SeatMap.objects.filter(event=event).exists()


@pytest.mark.parametrize("status", [Event.Status.CANCELLED, Event.Status.ENDED])
def test_seat_map_generate_refuses_cancelled_or_ended_event(now, status):
    event = EventFactory(status=status)

    with pytest.raises(EventNotEditable):
        seat_map_generate(event=event, sections=[SectionSpec("Stalls", 1, 1)], actor=None, now=now)

    assert not SeatMap.objects.filter(event=event).exists()


def test_seat_map_generate_refuses_event_that_is_over(now):
    event = EventFactory(starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=1))

    with pytest.raises(EventNotEditable):
        seat_map_generate(event=event, sections=[SectionSpec("Stalls", 1, 1)], actor=None, now=now)


def test_seat_map_copy_keeps_gaps_and_maps_zones(seated, stalls, now):
    seat_toggle_removed(seat=seat(seated, "Stalls", "A", 1), removed=True, actor=None, now=now)
    other = EventFactory(organizer=seated.organizer)
    other_stalls = TicketTypeFactory(event=other)
    seat_map = SeatMap.objects.prefetch_related("sections__rows__seats").get(event=seated)

    seat_map_copy(seat_map=seat_map, to_event=other, ticket_types={stalls.pk: other_stalls})

    copied = Seat.objects.filter(row__section__seat_map__event=other)
    assert copied.count() == 200 and copied.filter(is_removed=True).count() == 1
    assert SeatSection.objects.get(seat_map__event=other, name="Stalls").ticket_type == other_stalls
    assert SeatSection.objects.get(seat_map__event=other, name="Balcony").ticket_type is None


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


# --- layout selector -------------------------------------------------------------------------------


def test_seat_map_layout_is_none_without_map(event):
    assert seat_map_layout(event=event) is None


def test_seat_map_layout_describes_sections_rows_seats_and_zones(seated, stalls, balcony, now):
    seat_toggle_removed(seat=seat(seated, "Balcony", "A", 8), removed=True, actor=None, now=now)

    layout = seat_map_layout(event=seated)

    assert layout["stage_label"] == "Stage"
    stalls_block, balcony_block = layout["sections"]
    assert (stalls_block["name"], len(stalls_block["rows"]), stalls_block["width"]) == ("Stalls", 10, 12)
    assert [row["label"] for row in balcony_block["rows"]] == list("ABCDE")
    first_row = balcony_block["rows"][0]["seats"]
    assert [s["number"] for s in first_row] == list(range(1, 17))
    assert (first_row[7]["state"], first_row[7]["removed"]) == (SEAT_REMOVED, True)
    assert first_row[6]["label"] == "Row A seat 7, Balcony, available"
    assert [(z["name"], z["css"], z["seats"], z["capacity"]) for z in layout["zones"]] == [
        ("Stalls", "zone-0", 120, 120),
        ("Balcony", "zone-1", 79, 79),
    ]
    assert layout["zones"][0]["price_display"] == "€49.00"
    assert layout["totals"] == {"seats": 199, "removed": 1, "available": 199, "taken": 0, "sections": 2, "rows": 15}


def test_seat_map_layout_marks_taken_seats(seated):
    taken = seat(seated, "Stalls", "A", 1)

    layout = seat_map_layout(event=seated, taken_seat_ids=frozenset({taken.pk}))

    first = layout["sections"][0]["rows"][0]["seats"][0]
    assert (first["id"], first["state"]) == (taken.pk, SEAT_TAKEN)
    assert layout["sections"][0]["rows"][0]["seats"][1]["state"] == SEAT_AVAILABLE
    assert (layout["totals"]["available"], layout["totals"]["taken"]) == (199, 1)
    assert layout["zones"][0]["available"] == 119


def test_seat_map_layout_shows_unpriced_sections(event, now):
    seat_map_generate(event=event, sections=[SectionSpec("Floor", 2, 3)], actor=None, now=now)

    layout = seat_map_layout(event=event)

    assert (layout["sections"][0]["zone"], layout["sections"][0]["css"]) == (None, "zone-none")
    assert (layout["zones"], layout["unzoned_seats"]) == ([], 6)


@pytest.mark.parametrize(("rows", "seats_per_row"), [(10, 20), (25, 80)])
def test_seat_map_layout_query_count_does_not_grow_with_the_map(
    event, stalls, balcony, now, django_assert_max_num_queries, rows, seats_per_row
):
    seat_map_generate(
        event=event,
        sections=[
            SectionSpec("Stalls", rows, seats_per_row // 2, stalls),
            SectionSpec("Balcony", rows, seats_per_row // 2, balcony),
        ],
        actor=None,
        now=now,
    )

    with django_assert_max_num_queries(4):
        layout = seat_map_layout(event=event)

    assert layout["totals"]["seats"] == rows * seats_per_row
