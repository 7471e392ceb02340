"""Seat maps: sections → rows → seats, each section priced by a ticket type (its price zone)."""

import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q

from accounts.models import User
from core.services import audit_record
from events.errors import EventNotEditable, SeatMapInUse
from events.models import Event, Seat, SeatMap, SeatRow, SeatSection, TicketType


@dataclass(frozen=True)
class SectionSpec:
    name: str
    rows: int
    seats_per_row: int
    ticket_type: TicketType | None = None


def row_label(index: int) -> str:
    """A, B, … Z, AA, AB, … like theatre rows."""
    letters = string.ascii_uppercase
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = letters[remainder] + label
    return label


def seated_capacity_sync(*, event: Event) -> None:
    """Set each price zone's ticket-type capacity to its number of seats (never below sold + held)."""
    counts = dict(
        SeatSection.objects.filter(seat_map__event=event, ticket_type__isnull=False)
        .values_list("ticket_type")
        .annotate(n=Count("rows__seats", filter=Q(rows__seats__is_removed=False)))
    )
    for ticket_type in TicketType.objects.select_for_update().filter(event=event, pk__in=counts).order_by("pk"):
        seats = counts[ticket_type.pk]
        if seats != ticket_type.capacity and seats >= ticket_type.sold + ticket_type.held:
            ticket_type.capacity = seats
            ticket_type.save(update_fields=["capacity", "updated_at"])


@transaction.atomic
def seat_map_generate(
    *, event: Event, sections: Sequence[SectionSpec], actor: User, now: datetime, stage_label: str = "Stage"
) -> SeatMap:
    """Replace the event's seat map with a fresh grid of sections, rows and seats.

    Raises: EventNotEditable, SeatMapInUse (seats already sold or held).
    """
    if event.status in (Event.Status.CANCELLED, Event.Status.ENDED):
        raise EventNotEditable()
    zoned = TicketType.objects.filter(event=event, seat_sections__isnull=False)
    if any(ticket_type.sold or ticket_type.held for ticket_type in zoned):
        raise SeatMapInUse()
    SeatMap.objects.filter(event=event).delete()
    seat_map = SeatMap.objects.create(event=event, stage_label=stage_label)
    seats = []
    for section_index, spec in enumerate(sections):
        section = SeatSection.objects.create(
            seat_map=seat_map, name=spec.name.strip(), position=section_index, ticket_type=spec.ticket_type
        )
        rows = SeatRow.objects.bulk_create(
            SeatRow(section=section, label=row_label(index), position=index) for index in range(spec.rows)
        )
        seats += [
            Seat(row=row, number=number, position=number - 1)
            for row in rows
            for number in range(1, spec.seats_per_row + 1)
        ]
    Seat.objects.bulk_create(seats, batch_size=1000)
    seated_capacity_sync(event=event)
    audit_record(
        actor=actor,
        action="seat_map.generated",
        target=event,
        data={"sections": [spec.name for spec in sections], "seats": len(seats)},
        now=now,
    )
    return seat_map


def seat_map_copy(*, seat_map: SeatMap, to_event: Event, ticket_types: dict[int, TicketType]) -> SeatMap:
    """Copy a (prefetched) seat map to another event, mapping price zones through ``ticket_types``."""
    copy = SeatMap.objects.create(event=to_event, stage_label=seat_map.stage_label)
    for section in seat_map.sections.all():
        new_section = SeatSection.objects.create(
            seat_map=copy, name=section.name, position=section.position, ticket_type=ticket_types.get(section.ticket_type_id)
        )
        for row in section.rows.all():
            new_row = SeatRow.objects.create(section=new_section, label=row.label, position=row.position)
            Seat.objects.bulk_create(
                Seat(row=new_row, number=seat.number, position=seat.position, is_removed=seat.is_removed)
                for seat in row.seats.all()
            )
    return copy
