"""Seat maps: sections → rows → seats, each section priced by a ticket type (its price zone).

This module generates and copies whole maps and holds what every seat map edit shares: the limits, the
checks, the lock helpers and ``seated_capacity_sync``. Editing one section, row or seat of an existing map
is in ``events.services.seat_sections``.

Every edit keeps the price zones' ticket-type capacities equal to their seats (``seated_capacity_sync``).
Lock order, shared with booking: the event (regeneration only) → the seat map → ticket types in primary-key
order → seats. Booking locks ticket types, then seats, so the two never wait on each other in a circle.
"""

import string
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Busy, NotFound
from core.services import audit_record
from events.errors import EventNotEditable, SeatMapInUse
from events.models import Event, Seat, SeatMap, SeatRow, SeatSection, TicketType
from events.selectors.seating import seat_ids_taken

MAX_ROWS = 60
MAX_SEATS_PER_ROW = 80
MAX_SEATS_PER_EVENT = 5_000
MAX_SECTIONS = 20
MAX_NAME_LENGTH = 60
MAX_STAGE_LABEL_LENGTH = 40
LOCK_TIMEOUT = "3s"


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


# --- checks and locks ------------------------------------------------------------------------------
# Private to the seat map services: ``events.services.seat_sections`` imports them, nothing else should.


def _check_event_open(event: Event, *, now: datetime) -> None:
    if event.status in (Event.Status.CANCELLED, Event.Status.ENDED) or event.ends_at <= now:
        raise EventNotEditable(_("This event is over or cancelled, so its seat map can no longer be changed."))


def _check_name(name: str, *, field: str = "name", max_length: int = MAX_NAME_LENGTH) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({field: _("Enter a name.")})
    if len(name) > max_length:
        raise ValidationError({field: _("Use at most %(max)s characters.") % {"max": max_length}})
    return name


def _check_grid(*, rows: int, seats_per_row: int) -> None:
    errors = {}
    if not 1 <= rows <= MAX_ROWS:
        errors["rows"] = _("A section has between 1 and %(max)s rows.") % {"max": MAX_ROWS}
    if not 1 <= seats_per_row <= MAX_SEATS_PER_ROW:
        errors["seats_per_row"] = _("A row has between 1 and %(max)s seats.") % {"max": MAX_SEATS_PER_ROW}
    if errors:
        raise ValidationError(errors)


def _check_seat_total(total: int) -> None:
    if total > MAX_SEATS_PER_EVENT:
        raise ValidationError(
            _("A seat map holds at most %(max)s seats; this one would have %(total)s.")
            % {"max": f"{MAX_SEATS_PER_EVENT:,}", "total": f"{total:,}"}
        )


def _check_zone(ticket_type: TicketType | None, *, event: Event) -> None:
    if ticket_type is not None and ticket_type.event_id != event.pk:
        raise ValidationError({"ticket_type": _("Choose a ticket type of this event.")})


def _check_zones_unused(ticket_types: Collection[TicketType], *, message: str) -> None:
    """Refuse while any of these price zones has tickets sold or held.

    Seat-level sold state arrives with booking; until then a zone with any sale protects all of its seats.
    """
    if any(ticket_type.sold or ticket_type.held for ticket_type in ticket_types):
        raise SeatMapInUse(message)


def _check_seats_free(*, event: Event, seats: QuerySet[Seat], message: str) -> None:
    """Refuse when any of these seats is sold or held (``seat_ids_taken`` is the booking seam)."""
    taken = seat_ids_taken(event=event)
    if taken and seats.filter(pk__in=taken).exists():
        raise SeatMapInUse(message)


def _lock_timeout() -> None:
    """Wait at most LOCK_TIMEOUT for a row lock (PostgreSQL); a busy map answers Busy instead of hanging."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def _locked(queryset):
    try:
        return list(queryset)
    except OperationalError as exc:
        raise Busy(_("Someone else is changing this seat map or selling its seats. Try again in a moment.")) from exc


def _event_for_update(event: Event) -> Event:
    _lock_timeout()
    return _locked(Event.objects.select_for_update().filter(pk=event.pk))[0]


def _seat_map_for_update(event: Event) -> SeatMap:
    """Lock the event's seat map: every structural edit of one map runs one after the other.

    Raises: NotFound when the event has no seat map, Busy.
    """
    _lock_timeout()
    seat_maps = _locked(
        SeatMap.objects.select_for_update(of=("self",)).select_related("event").filter(event_id=event.pk)
    )
    if not seat_maps:
        raise NotFound(_("This event has no seat map yet."))
    return seat_maps[0]


def _zones_for_update(event: Event, *, also: Collection[int] = ()) -> dict[int, TicketType]:
    """Lock the event's price-zone ticket types (and ``also``) in primary-key order, as booking does."""
    zoned = SeatSection.objects.filter(seat_map__event=event, ticket_type__isnull=False).values("ticket_type")
    return {
        ticket_type.pk: ticket_type
        for ticket_type in _locked(
            TicketType.objects.select_for_update()
            .filter(Q(pk__in=zoned) | Q(pk__in=list(also)), event=event)
            .order_by("pk")
        )
    }


def _zone_capacity_sync(*, event: Event, former_zone_ids: Collection[int]) -> None:
    """Sync the zones; a ticket type that lost its last section keeps no seats, so nothing more can sell."""
    seated_capacity_sync(event=event)
    still_zoned = SeatSection.objects.filter(seat_map__event=event, ticket_type__isnull=False).values("ticket_type")
    TicketType.objects.filter(event=event, pk__in=list(former_zone_ids), sold=0, held=0).exclude(
        pk__in=still_zoned
    ).update(capacity=0)


def _seat_count(event: Event) -> int:
    return Seat.objects.filter(row__section__seat_map__event=event, is_removed=False).count()


def _grid_count(event: Event) -> int:
    """Seat positions on the map, removed ones included: the size limit counts the whole grid."""
    return Seat.objects.filter(row__section__seat_map__event=event).count()


def _section_create(*, seat_map: SeatMap, spec: SectionSpec, name: str, position: int) -> tuple[SeatSection, int]:
    section = SeatSection.objects.create(seat_map=seat_map, name=name, position=position, ticket_type=spec.ticket_type)
    rows = SeatRow.objects.bulk_create(
        SeatRow(section=section, label=row_label(index), position=index) for index in range(spec.rows)
    )
    seats = [
        Seat(row=row, number=number, position=number - 1) for row in rows for number in range(1, spec.seats_per_row + 1)
    ]
    Seat.objects.bulk_create(seats, batch_size=1000)
    return section, len(seats)


# --- use cases -------------------------------------------------------------------------------------


@transaction.atomic
def seat_map_generate(
    *, event: Event, sections: Sequence[SectionSpec], actor: User, now: datetime, stage_label: str = "Stage"
) -> SeatMap:
    """Replace the event's seat map with a fresh grid of sections, rows and seats.

    Locks: the event, its current seat map, then the old and new price zones (pk order) until commit.
    Raises: EventNotEditable, SeatMapInUse (seats already sold or held), ValidationError (names, limits,
    a ticket type of another event), Busy.
    """
    stage_label = _check_name(stage_label, field="stage_label", max_length=MAX_STAGE_LABEL_LENGTH)
    names = _validate_specs(sections, event=event)
    event = _event_for_update(event)
    _check_event_open(event, now=now)
    _locked(SeatMap.objects.select_for_update().filter(event=event))
    zones = _zones_for_update(event, also={spec.ticket_type.pk for spec in sections if spec.ticket_type})
    former_zone_ids = set(
        SeatSection.objects.filter(seat_map__event=event, ticket_type__isnull=False).values_list(
            "ticket_type", flat=True
        )
    )
    message = _("Seats of this map have been sold or reserved, so it cannot be regenerated.")
    _check_zones_unused([zones[pk] for pk in former_zone_ids], message=message)
    _check_seats_free(event=event, seats=Seat.objects.filter(row__section__seat_map__event=event), message=message)
    SeatMap.objects.filter(event=event).delete()
    seat_map = SeatMap.objects.create(event=event, stage_label=stage_label)
    seats = 0
    for position, (spec, name) in enumerate(zip(sections, names, strict=True)):
        seats += _section_create(seat_map=seat_map, spec=spec, name=name, position=position)[1]
    _zone_capacity_sync(event=event, former_zone_ids=former_zone_ids)
    audit_record(
        actor=actor,
        action="seat_map.generated",
        target=event,
        data={"sections": names, "seats": seats},
        now=now,
    )
    return seat_map


def _validate_specs(sections: Sequence[SectionSpec], *, event: Event) -> list[str]:
    if not 1 <= len(sections) <= MAX_SECTIONS:
        raise ValidationError(_("A seat map has between 1 and %(max)s sections.") % {"max": MAX_SECTIONS})
    names = []
    for spec in sections:
        names.append(_check_name(spec.name))
        _check_grid(rows=spec.rows, seats_per_row=spec.seats_per_row)
        _check_zone(spec.ticket_type, event=event)
    if len({name.casefold() for name in names}) != len(names):
        raise ValidationError(_("Give every section its own name."))
    _check_seat_total(sum(spec.rows * spec.seats_per_row for spec in sections))
    return names


def seat_map_copy(*, seat_map: SeatMap, to_event: Event, ticket_types: dict[int, TicketType]) -> SeatMap:
    """Copy a (prefetched) seat map to another event, mapping price zones through ``ticket_types``."""
    copy = SeatMap.objects.create(event=to_event, stage_label=seat_map.stage_label)
    for section in seat_map.sections.all():
        new_section = SeatSection.objects.create(
            seat_map=copy,
            name=section.name,
            position=section.position,
            ticket_type=ticket_types.get(section.ticket_type_id),
        )
        rows = list(section.rows.all())
        new_rows = SeatRow.objects.bulk_create(
            SeatRow(section=new_section, label=row.label, position=row.position) for row in rows
        )
        Seat.objects.bulk_create(
            (
                Seat(row=new_row, number=seat.number, position=seat.position, is_removed=seat.is_removed)
                for row, new_row in zip(rows, new_rows, strict=True)
                for seat in row.seats.all()
            ),
            batch_size=1000,
        )
    return copy
