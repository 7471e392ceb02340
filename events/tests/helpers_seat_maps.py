"""Plain helpers shared by the seat map tests (services and editor pages); fixtures are in conftest."""

from django.urls import reverse

from events.models import Seat, SeatSection, TicketType


def section(event, name):
    return SeatSection.objects.select_related("seat_map__event").get(seat_map__event=event, name=name)


def seat(event, section_name, row, number):
    return Seat.objects.select_related("row__section__seat_map__event").get(
        row__section__seat_map__event=event, row__section__name=section_name, row__label=row, number=number
    )


def capacity(ticket_type):
    ticket_type.refresh_from_db()
    return ticket_type.capacity


def url(name, event, *args):
    return reverse(f"seat_maps:{name}", args=[event.pk, *args])


def generate_data(sections, *, stage_label="Stage", **extra):
    data = {
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
        "sections-MIN_NUM_FORMS": "1",
        "sections-MAX_NUM_FORMS": "8",
        "stage_label": stage_label,
        **extra,
    }
    for index, values in enumerate(sections):
        for field, value in values.items():
            data[f"sections-{index}-{field}"] = value
    return data


def map_snapshot(event):
    """Everything a POST could change: sections, seats, capacities."""
    return (
        list(SeatSection.objects.filter(seat_map__event=event).values_list("name", "ticket_type", "position")),
        list(Seat.objects.filter(row__section__seat_map__event=event).values_list("pk", "is_removed")),
        list(TicketType.objects.filter(event=event).values_list("pk", "capacity")),
    )
