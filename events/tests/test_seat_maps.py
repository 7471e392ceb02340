"""Seat map services (generate, copy, capacity sync) and the layout selector: grids, price zones, limits
and refusals.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditLogEntry
from events.errors import EventNotEditable, SeatMapInUse
from events.models import Event, Seat, SeatMap, SeatRow, SeatSection, TicketType
from events.selectors.seating import SEAT_AVAILABLE, SEAT_REMOVED, SEAT_TAKEN, seat_map_layout
from events.services.seat_maps import SectionSpec, row_label, seat_map_copy, seat_map_generate
from events.services.seat_sections import seat_toggle_removed
from events.tests.factories import EventFactory, TicketTypeFactory
from events.tests.helpers_seat_maps import capacity, seat

pytestmark = pytest.mark.django_db


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
