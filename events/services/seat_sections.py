"""Seat map edits: add, rename, price or delete a section; add or remove a row; remove or restore a seat.

Each edit locks the seat map first, so edits of one map run one after the other, then the price zones in
primary-key order (the lock order of ``events.services.seat_maps``, shared with booking), and ends with the
zones' capacities equal to their seats.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from accounts.models import User
from core.services import audit_record
from events.errors import CapacityBelowSold
from events.models import Event, Seat, SeatRow, SeatSection, TicketType
from events.services.seat_maps import (
    MAX_ROWS,
    MAX_SECTIONS,
    SectionSpec,
    _check_event_open,
    _check_grid,
    _check_name,
    _check_seat_total,
    _check_seats_free,
    _check_zone,
    _check_zones_unused,
    _grid_count,
    _seat_map_for_update,
    _section_create,
    _zone_capacity_sync,
    _zones_for_update,
    row_label,
    seated_capacity_sync,
)


@transaction.atomic(durable=True)
def section_add(*, event: Event, spec: SectionSpec, actor: User, now: datetime) -> SeatSection:
    """Append a new grid section (behind the others) to the event's existing seat map.

    Locks: the seat map, then its price zones and the new one (pk order) until commit.
    Raises: NotFound (no seat map yet), EventNotEditable, ValidationError (name taken, limits, zone), Busy.
    """
    name = _check_name(spec.name)
    _check_grid(rows=spec.rows, seats_per_row=spec.seats_per_row)
    _check_zone(spec.ticket_type, event=event)
    seat_map = _seat_map_for_update(event)
    _check_event_open(seat_map.event, now=now)
    _zones_for_update(event, also=[spec.ticket_type.pk] if spec.ticket_type else [])
    sections = SeatSection.objects.filter(seat_map=seat_map)
    if sections.count() >= MAX_SECTIONS:
        raise ValidationError(_("A seat map has at most %(max)s sections.") % {"max": MAX_SECTIONS})
    if sections.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("Another section is already called “%(name)s”.") % {"name": name}})
    _check_seat_total(_grid_count(event) + spec.rows * spec.seats_per_row)
    position = (sections.aggregate(last=Max("position"))["last"] or 0) + 1
    section, seats = _section_create(seat_map=seat_map, spec=spec, name=name, position=position)
    seated_capacity_sync(event=event)
    audit_record(
        actor=actor, action="seat_map.section_added", target=event, data={"section": name, "seats": seats}, now=now
    )
    return section


@transaction.atomic(durable=True)
def section_rename(*, section: SeatSection, name: str, actor: User, now: datetime) -> SeatSection:
    """Give a section another name, unique within its map (case-insensitively).

    Locks: the seat map until commit.
    Raises: EventNotEditable, ValidationError (empty, too long or taken name), Busy.
    """
    name = _check_name(name)
    seat_map = _seat_map_for_update(section.seat_map.event)
    _check_event_open(seat_map.event, now=now)
    section = SeatSection.objects.get(pk=section.pk, seat_map=seat_map)
    if SeatSection.objects.filter(seat_map=seat_map, name__iexact=name).exclude(pk=section.pk).exists():
        raise ValidationError({"name": _("Another section is already called “%(name)s”.") % {"name": name}})
    old_name = section.name
    if name != old_name:
        section.name = name
        section.save(update_fields=["name"])
        audit_record(
            actor=actor,
            action="seat_map.section_renamed",
            target=seat_map.event,
            data={"from": old_name, "to": name},
            now=now,
        )
    return section


@transaction.atomic(durable=True)
def section_assign_zone(
    *, section: SeatSection, ticket_type: TicketType | None, actor: User, now: datetime
) -> SeatSection:
    """Price a section by a ticket type of the same event (or by none), then sync the zones' capacities.

    Locks: the seat map, then the event's price zones and ``ticket_type`` (pk order) until commit.
    Raises: EventNotEditable, SeatMapInUse (the current zone has tickets sold or held), CapacityBelowSold
    (the new zone sold more than it would have seats), ValidationError (a ticket type of another event), Busy.
    """
    event = section.seat_map.event
    _check_zone(ticket_type, event=event)
    seat_map = _seat_map_for_update(event)
    _check_event_open(seat_map.event, now=now)
    zones = _zones_for_update(event, also=[ticket_type.pk] if ticket_type else [])
    section = SeatSection.objects.get(pk=section.pk, seat_map=seat_map)
    new_zone_id = ticket_type.pk if ticket_type else None
    if section.ticket_type_id == new_zone_id:
        return section
    if section.ticket_type_id:
        _check_zones_unused(
            [zones[section.ticket_type_id]],
            message=_("Tickets of this section's price zone have been sold or reserved, so its zone cannot change."),
        )
    if ticket_type is not None:
        zone = zones[ticket_type.pk]
        seats = Seat.objects.filter(
            Q(row__section__ticket_type=zone) | Q(row__section=section), is_removed=False
        ).count()
        if seats < zone.sold + zone.held:
            raise CapacityBelowSold(
                _("%(zone)s has %(count)s tickets sold or reserved, more than the %(seats)s seats it would have.")
                % {"zone": zone.name, "count": zone.sold + zone.held, "seats": seats}
            )
    former_zone_id = section.ticket_type_id
    section.ticket_type = ticket_type
    section.save(update_fields=["ticket_type"])
    _zone_capacity_sync(event=event, former_zone_ids=[former_zone_id] if former_zone_id else [])
    audit_record(
        actor=actor,
        action="seat_map.section_zoned",
        target=event,
        data={"section": section.name, "from": former_zone_id, "to": new_zone_id},
        now=now,
    )
    return section


@transaction.atomic(durable=True)
def section_delete(*, section: SeatSection, actor: User, now: datetime) -> bool:
    """Delete a section with its rows and seats; deleting the last one deletes the whole map.

    Returns whether the seat map is gone.
    Locks: the seat map, then the event's price zones (pk order) until commit.
    Raises: EventNotEditable, SeatMapInUse (its zone has tickets sold or held), Busy.
    """
    event = section.seat_map.event
    seat_map = _seat_map_for_update(event)
    _check_event_open(seat_map.event, now=now)
    zones = _zones_for_update(event)
    section = SeatSection.objects.get(pk=section.pk, seat_map=seat_map)
    message = _("Tickets of this section's price zone have been sold or reserved, so it cannot be deleted.")
    if section.ticket_type_id:
        _check_zones_unused([zones[section.ticket_type_id]], message=message)
    _check_seats_free(event=event, seats=Seat.objects.filter(row__section=section), message=message)
    name, former_zone_id = section.name, section.ticket_type_id
    section.delete()
    map_deleted = not SeatSection.objects.filter(seat_map=seat_map).exists()
    if map_deleted:
        seat_map.delete()
    _zone_capacity_sync(event=event, former_zone_ids=[former_zone_id] if former_zone_id else [])
    audit_record(
        actor=actor,
        action="seat_map.section_deleted",
        target=event,
        data={"section": name, "map_deleted": map_deleted},
        now=now,
    )
    return map_deleted


@transaction.atomic(durable=True)
def row_add(*, section: SeatSection, actor: User, now: datetime) -> SeatRow:
    """Add a row behind a section's last one, as wide as its widest row.

    Locks: the seat map, then the event's price zones (pk order) until commit.
    Raises: EventNotEditable, ValidationError (row or seat limits), Busy.
    """
    event = section.seat_map.event
    seat_map = _seat_map_for_update(event)
    _check_event_open(seat_map.event, now=now)
    _zones_for_update(event)
    section = SeatSection.objects.get(pk=section.pk, seat_map=seat_map)
    rows = SeatRow.objects.filter(section=section)
    if rows.count() >= MAX_ROWS:
        raise ValidationError(_("A section has at most %(max)s rows.") % {"max": MAX_ROWS})
    width = Seat.objects.filter(row__section=section).aggregate(width=Max("position"))["width"]
    width = 1 if width is None else width + 1
    _check_seat_total(_grid_count(event) + width)
    position = (rows.aggregate(last=Max("position"))["last"] or 0) + 1
    label = row_label(position)
    while rows.filter(label=label).exists():
        position += 1
        label = row_label(position)
    row = SeatRow.objects.create(section=section, label=label, position=position)
    Seat.objects.bulk_create(Seat(row=row, number=index + 1, position=index) for index in range(width))
    seated_capacity_sync(event=event)
    audit_record(
        actor=actor, action="seat_map.row_added", target=event, data={"section": section.name, "row": label}, now=now
    )
    return row


@transaction.atomic(durable=True)
def row_remove(*, section: SeatSection, actor: User, now: datetime) -> None:
    """Remove a section's last row (the one furthest from the stage).

    Locks: the seat map, then the event's price zones (pk order) until commit.
    Raises: EventNotEditable, SeatMapInUse (its zone has tickets sold or held), ValidationError (the only
    row: delete the section instead), Busy.
    """
    event = section.seat_map.event
    seat_map = _seat_map_for_update(event)
    _check_event_open(seat_map.event, now=now)
    zones = _zones_for_update(event)
    section = SeatSection.objects.get(pk=section.pk, seat_map=seat_map)
    rows = list(SeatRow.objects.filter(section=section).order_by("-position", "-id")[:2])
    if len(rows) < 2:
        raise ValidationError(_("This is the section's only row. Delete the section instead."))
    row = rows[0]
    message = _("Tickets of this section's price zone have been sold or reserved, so its rows cannot be removed.")
    if section.ticket_type_id:
        _check_zones_unused([zones[section.ticket_type_id]], message=message)
    _check_seats_free(event=event, seats=Seat.objects.filter(row=row), message=message)
    row.delete()
    seated_capacity_sync(event=event)
    audit_record(
        actor=actor,
        action="seat_map.row_removed",
        target=event,
        data={"section": section.name, "row": row.label},
        now=now,
    )


@transaction.atomic(durable=True)
def seat_toggle_removed(*, seat: Seat, removed: bool, actor: User, now: datetime) -> Seat:
    """Mark a seat removed (an aisle, a pillar) or put it back, then sync its zone's capacity.

    Takes the wanted state rather than flipping, so a double click or a retried request changes nothing more.
    Locks: the seat map, then the event's price zones (pk order) until commit.
    Raises: EventNotEditable, SeatMapInUse (the seat is sold or held), CapacityBelowSold (its zone would
    have fewer seats than tickets sold or held), Busy.
    """
    event = seat.row.section.seat_map.event
    seat_map = _seat_map_for_update(event)
    _check_event_open(seat_map.event, now=now)
    zones = _zones_for_update(event)
    seat = Seat.objects.select_related("row__section").get(pk=seat.pk, row__section__seat_map=seat_map)
    if seat.is_removed == removed:
        return seat
    if removed:
        _check_seats_free(
            event=event,
            seats=Seat.objects.filter(pk=seat.pk),
            message=_("This seat has been sold or reserved, so it cannot be removed."),
        )
        zone = zones.get(seat.row.section.ticket_type_id)
        if zone is not None:
            seats = Seat.objects.filter(row__section__ticket_type=zone, is_removed=False).count()
            if seats - 1 < zone.sold + zone.held:
                raise CapacityBelowSold(
                    _("%(zone)s has %(count)s tickets sold or reserved, so it cannot lose another seat.")
                    % {"zone": zone.name, "count": zone.sold + zone.held}
                )
    seat.is_removed = removed
    seat.save(update_fields=["is_removed"])
    seated_capacity_sync(event=event)
    audit_record(
        actor=actor,
        action="seat_map.seat_removed" if removed else "seat_map.seat_restored",
        target=event,
        data={"section": seat.row.section.name, "row": seat.row.label, "seat": seat.number},
        now=now,
    )
    return seat
