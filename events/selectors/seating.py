"""Reads of reserved seating: the whole seat map of an event as plain data, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import NotFound
from events.models import Event, Seat, SeatMap, SeatRow, SeatSection, TicketType

# A seat's state in the layout. Removed seats are gaps (aisles, pillars); taken seats are sold or held.
SEAT_AVAILABLE = "available"
SEAT_TAKEN = "taken"
SEAT_REMOVED = "removed"
SEAT_STATE_LABELS = {
    SEAT_AVAILABLE: gettext_lazy("available"),
    SEAT_TAKEN: gettext_lazy("taken"),
    SEAT_REMOVED: gettext_lazy("removed"),
}

# Price zones are coloured by CSS classes zone-0 … zone-7 (app.css); more zones reuse the palette.
ZONE_COLOURS = 8

SECTION_FIELDS = (
    "id", "name", "position", "ticket_type__id", "ticket_type__name", "ticket_type__price", "ticket_type__capacity",
    "ticket_type__sold", "ticket_type__held",
)  # fmt: skip

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF "}


def price_display(price: Decimal, currency: str) -> str:
    """'€49.00', or 'SEK 49.00' for a currency without a well-known symbol; 'Free' for zero."""
    if not price:
        return _("Free")
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    return f"{symbol}{price:,.2f}"


def seat_ids_taken(*, event: Event, now: datetime | None = None) -> frozenset[int]:
    """Seats of the event that are sold, or held by a hold that has not expired (one query).

    Reservations of expired holds stop counting at once, before the sweep deletes them.
    """
    now = now or timezone.now()
    live = Q(reservation__ticket__isnull=False) | Q(
        reservation__hold__status="active", reservation__hold__expires_at__gt=now
    )
    taken = Seat.objects.filter(live, row__section__seat_map__event=event).values_list("pk", flat=True)
    return frozenset(taken)


def seat_map_layout(*, event: Event, taken_seat_ids: Collection[int] = frozenset()) -> dict | None:
    """The event's seat map as nested plain data for templates and APIs, or None when it has none.

    ``taken_seat_ids`` are seats sold or held for this event (the booking issue passes them in); they come
    back with state "taken". Four queries whatever the size of the map: the map, its sections with their
    price zones, the rows, the seats.

    Shape::

        {"id", "stage_label", "currency",
         "sections": [{"id", "name", "position", "zone": zone | None, "css", "width",
                       "seats", "removed", "available",
                       "rows": [{"id", "label", "seats": [{"id", "number", "position", "state", "removed",
                                                           "label"}]}]}],
         "zones": [{"id", "name", "price", "price_display", "index", "css", "capacity", "sold", "held",
                    "seats", "available", "sections"}],
         "unzoned_seats",
         "totals": {"seats", "removed", "available", "taken", "sections", "rows"}}
    """
    seat_map = SeatMap.objects.filter(event=event).only("id", "stage_label").first()
    if seat_map is None:
        return None
    sections = list(
        SeatSection.objects.filter(seat_map=seat_map)
        .select_related("ticket_type")
        .only(*SECTION_FIELDS)
        .order_by("position", "id")
    )
    rows_by_section = defaultdict(list)
    for row_id, section_id, label in (
        SeatRow.objects.filter(section__seat_map=seat_map)
        .order_by("position", "id")
        .values_list("id", "section_id", "label")
    ):
        rows_by_section[section_id].append({"id": row_id, "label": label, "seats": []})
    seats_by_row = defaultdict(list)
    for seat_id, row_id, number, position, is_removed in (
        Seat.objects.filter(row__section__seat_map=seat_map)
        .order_by("position", "id")
        .values_list("id", "row_id", "number", "position", "is_removed")
    ):
        seats_by_row[row_id].append((seat_id, number, position, is_removed))

    zones = _zones(sections, currency=event.currency)
    taken = frozenset(taken_seat_ids)
    seat_label = _("Row %(row)s seat %(number)s, %(section)s, %(state)s")
    state_labels = {state: str(label) for state, label in SEAT_STATE_LABELS.items()}
    layout_sections = []
    totals = {"seats": 0, "removed": 0, "available": 0, "taken": 0, "sections": len(sections), "rows": 0}
    unzoned_seats = 0
    for section in sections:
        zone = zones.get(section.ticket_type_id)
        counts = {"seats": 0, "removed": 0, "available": 0}
        rows = rows_by_section[section.pk]
        width = 0
        for row in rows:
            for seat_id, number, position, is_removed in seats_by_row[row["id"]]:
                state = SEAT_REMOVED if is_removed else SEAT_TAKEN if seat_id in taken else SEAT_AVAILABLE
                row["seats"].append(
                    {
                        "id": seat_id,
                        "number": number,
                        "position": position,
                        "state": state,
                        "removed": is_removed,
                        "label": seat_label
                        % {
                            "row": row["label"],
                            "number": number,
                            "section": section.name,
                            "state": state_labels[state],
                        },
                    }
                )
                counts["removed" if is_removed else "seats"] += 1
                counts["available"] += state == SEAT_AVAILABLE
                totals["taken"] += state == SEAT_TAKEN
                width = max(width, position + 1)
        totals["rows"] += len(rows)
        totals["seats"] += counts["seats"]
        totals["removed"] += counts["removed"]
        totals["available"] += counts["available"]
        if zone is None:
            unzoned_seats += counts["seats"]
        else:
            zone["seats"] += counts["seats"]
            zone["available"] += counts["available"]
            zone["sections"].append(section.name)
        layout_sections.append(
            {
                "id": section.pk,
                "name": section.name,
                "position": section.position,
                "zone": zone,
                "css": zone["css"] if zone else "zone-none",
                "width": width,
                "rows": rows,
                **counts,
            }
        )
    return {
        "id": seat_map.pk,
        "stage_label": seat_map.stage_label,
        "currency": event.currency,
        "sections": layout_sections,
        "zones": list(zones.values()),
        "unzoned_seats": unzoned_seats,
        "totals": totals,
    }


def _zones(sections: list[SeatSection], *, currency: str) -> dict[int, dict]:
    """The price zones used on the map, from the stage outwards; each gets a colour class zone-0 … zone-7."""
    ordered = list({s.ticket_type_id: s.ticket_type for s in sections if s.ticket_type_id}.values())
    return {
        ticket_type.pk: {
            "id": ticket_type.pk,
            "name": ticket_type.name,
            "price": ticket_type.price,
            "price_display": price_display(ticket_type.price, currency),
            "index": index,
            "css": f"zone-{index % ZONE_COLOURS}",
            "capacity": ticket_type.capacity,
            "sold": ticket_type.sold,
            "held": ticket_type.held,
            "seats": 0,
            "available": 0,
            "sections": [],
        }
        for index, ticket_type in enumerate(ordered)
    }


def seat_map_zone_choices(*, event: Event) -> QuerySet[TicketType]:
    """The event's ticket types that can price a section, in the organizer's order."""
    return TicketType.objects.filter(event=event).only("id", "name", "price", "capacity", "sold", "held")


def seat_section_get_for_event(*, event: Event, pk: int) -> SeatSection:
    """A section of the event's seat map.

    Raises: NotFound for a section of another event's map.
    """
    section = (
        SeatSection.objects.select_related("seat_map__event", "ticket_type")
        .filter(seat_map__event=event, pk=pk)
        .first()
    )
    if section is None:
        raise NotFound()
    return section


def seat_get_for_event(*, event: Event, pk: int) -> Seat:
    """A seat of the event's seat map, with its row and section.

    Raises: NotFound for a seat of another event's map.
    """
    seat = (
        Seat.objects.select_related("row__section__seat_map__event")
        .filter(row__section__seat_map__event=event, pk=pk)
        .first()
    )
    if seat is None:
        raise NotFound()
    return seat


def seat_map_sections_spec(*, layout: dict) -> list[dict]:
    """The current sections as generator input (name, rows, seats per row, zone), to prefill a regeneration."""
    return [
        {
            "name": section["name"],
            "rows": len(section["rows"]),
            "seats_per_row": section["width"],
            "ticket_type": section["zone"]["id"] if section["zone"] else None,
        }
        for section in layout["sections"]
    ]
