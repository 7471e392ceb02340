"""Holds: reserve tickets (or seats) for a buyer for a limited time, without ever overselling."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from accounts.models import User
from events.models import CapacityPool, Event, Seat, TicketType
from events.pricing import ticket_type_quotes
from events.services.pricing import price_changes_record_on_commit
from tickets import locks
from tickets.errors import (
    InvalidSelection,
    LimitExceeded,
    NotVerified,
    SalesClosed,
    SeatTaken,
    SoldOut,
)
from tickets.models import Hold, HoldLine, SeatReservation, Ticket
from tickets.selectors_promo import promo_code_unlocked_type_ids

HOLD_TTL = timedelta(minutes=getattr(settings, "HOLD_TTL_MINUTES", 10))


@dataclass(frozen=True)
class LineRequest:
    ticket_type_id: int
    quantity: int = 0
    seat_ids: tuple[int, ...] = field(default_factory=tuple)


def _validate_request(
    *,
    buyer: User,
    event: Event,
    lines: Sequence[LineRequest],
    now: datetime,
    unlock_code: str,
    for_application: bool = False,
):
    if not buyer.is_verified:
        raise NotVerified()
    if event.status != Event.Status.PUBLISHED or event.ends_at <= now:
        raise SalesClosed()
    if event.requires_approval and not for_application:
        raise SalesClosed("This event takes applications: the organizer approves each attendee.")
    requested = defaultdict(int)
    seats = defaultdict(list)
    for line in lines:
        if line.quantity < 0 or (line.quantity == 0 and not line.seat_ids):
            continue
        requested[line.ticket_type_id] += line.quantity or len(line.seat_ids)
        seats[line.ticket_type_id] += list(line.seat_ids)
    if not requested:
        raise InvalidSelection()
    types = {tt.pk: tt for tt in TicketType.objects.filter(event=event, pk__in=requested)}
    if len(types) != len(requested):
        raise InvalidSelection("Some of these tickets do not belong to this event.")
    promo_unlocked = None
    for pk, quantity in requested.items():
        ticket_type = types[pk]
        # An approved application was checked against visibility and the sales window when it was sent.
        if (
            not for_application
            and ticket_type.is_hidden
            and unlock_code.strip().lower() != ticket_type.unlock_code.lower()
        ):
            if promo_unlocked is None:  # a promo code may reveal hidden types too
                promo_unlocked = promo_code_unlocked_type_ids(event=event, code=unlock_code, now=now, buyer=buyer)
            if pk not in promo_unlocked:
                raise InvalidSelection("Some of these tickets do not belong to this event.")
        if not for_application and (
            (ticket_type.sales_start and now < ticket_type.sales_start)
            or (ticket_type.sales_end and now >= ticket_type.sales_end)
        ):
            raise SalesClosed(f"{ticket_type.name}: not on sale right now.")
        if not ticket_type.min_per_order <= quantity <= ticket_type.max_per_order:
            raise LimitExceeded(
                f"{ticket_type.name}: choose between {ticket_type.min_per_order} and {ticket_type.max_per_order}."
            )
    if sum(requested.values()) > event.max_tickets_per_order:
        raise LimitExceeded(f"At most {event.max_tickets_per_order} tickets per order.")
    return requested, seats, types


def tickets_held_or_owned(*, buyer: User, event: Event, now: datetime) -> int:
    """Tickets this buyer holds (live holds) or has (unpaid or valid) for the event."""
    held = HoldLine.objects.filter(
        hold__buyer=buyer, hold__event=event, hold__status=Hold.Status.ACTIVE, hold__expires_at__gt=now
    ).aggregate(n=Sum("quantity"))["n"]
    owned = Ticket.objects.filter(
        order__buyer=buyer, event=event, status__in=[Ticket.Status.UNPAID, Ticket.Status.VALID]
    ).count()
    return (held or 0) + owned


def _expired_hold_ids(*, ticket_type_ids: set[int], now: datetime) -> list[int]:
    """Holds on these ticket types that have expired but still count as held. Read before any lock is
    taken, so the common case (none) costs the locked section nothing."""
    return list(
        HoldLine.objects.filter(
            ticket_type_id__in=ticket_type_ids, hold__status=Hold.Status.ACTIVE, hold__expires_at__lte=now
        )
        .values_list("hold_id", flat=True)
        .distinct()[:100]
    )


def _release_expired_holds(*, hold_ids: list[int], ticket_type_ids: set[int], now: datetime) -> int:
    """Lazily release these expired holds on (already locked) ticket types.

    Holds locked by the sweeper are skipped (it is releasing them); holds that also cover a type we
    did not lock are left to the sweeper, so no lock is ever taken out of order.
    """
    expired = Hold.objects.select_for_update(skip_locked=True).filter(
        pk__in=hold_ids, status=Hold.Status.ACTIVE, expires_at__lte=now
    )
    released = 0
    for hold in expired:
        lines = list(hold.lines.all())
        if {line.ticket_type_id for line in lines} <= ticket_type_ids:
            hold_release_locked(hold=hold, lines=lines, status=Hold.Status.EXPIRED)
            released += 1
    return released


def hold_release_locked(*, hold: Hold, lines: Sequence[HoldLine], status: str) -> None:
    """Give a hold's tickets and seats back. The caller holds the locks of its ticket types and pools."""
    by_type = defaultdict(int)
    for line in lines:
        by_type[line.ticket_type_id] += line.quantity
    pools = defaultdict(int)
    for ticket_type in TicketType.objects.filter(pk__in=by_type).only("pk", "pool_id"):
        if ticket_type.pool_id:
            pools[ticket_type.pool_id] += by_type[ticket_type.pk]
    for pk, quantity in by_type.items():
        TicketType.objects.filter(pk=pk).update(held=F("held") - quantity)
    for pk, quantity in pools.items():
        CapacityPool.objects.filter(pk=pk).update(held=F("held") - quantity)
    SeatReservation.objects.filter(hold=hold, ticket__isnull=True).delete()
    Hold.objects.filter(pk=hold.pk).update(status=status)
    hold.status = status


def _best_available_seats(*, event: Event, ticket_type: TicketType, quantity: int) -> list[int]:
    """The first free seats of this price zone: front sections and rows first, side by side when possible."""
    free = (
        Seat.objects.filter(
            row__section__seat_map__event=event, row__section__ticket_type=ticket_type, is_removed=False
        )
        .filter(reservation__isnull=True)
        .order_by("row__section__position", "row__position", "position")
        .values_list("pk", "row_id")
    )
    by_row = defaultdict(list)
    for seat_id, row_id in free:
        by_row[row_id].append(seat_id)
        if len(by_row[row_id]) >= quantity:
            return by_row[row_id][:quantity]
    flat = [seat for row in by_row.values() for seat in row]
    if len(flat) < quantity:
        raise SoldOut()
    return flat[:quantity]


@transaction.atomic
def hold_create(
    *,
    buyer: User,
    event: Event,
    lines: Sequence[LineRequest],
    now: datetime,
    unlock_code: str = "",
    idempotency_key: str = "",
    for_application: bool = False,
) -> Hold:
    """Reserve the requested tickets (or seats) for HOLD_TTL at the server's current prices.

    ``for_application`` is for ``application_approve`` only: the organizer's approval stands in for the
    public sale of an approval-required event (visibility and sales window were checked at application
    time); limits and capacity are checked as for everyone.

    The hold and its lines are written first; the shared capacities and ticket types (the hot rows of
    an onsale) are locked last and held for a few statements until commit.
    Locks: the buyer (only when the event limits tickets per person), then the shared capacities
    and the ticket types involved, in primary-key order, until commit.
    Raises: NotVerified, SalesClosed, InvalidSelection, LimitExceeded, SoldOut, SeatTaken, Busy.
    """
    if idempotency_key:
        existing = Hold.objects.filter(buyer=buyer, idempotency_key=idempotency_key).first()
        if existing:
            return existing
    requested, seat_requests, types = _validate_request(
        buyer=buyer, event=event, lines=lines, now=now, unlock_code=unlock_code, for_application=for_application
    )
    locks.set_lock_timeout()
    if event.max_tickets_per_user:
        User.objects.select_for_update().filter(pk=buyer.pk).first()
        already = tickets_held_or_owned(buyer=buyer, event=event, now=now)
        if already + sum(requested.values()) > event.max_tickets_per_user:
            raise LimitExceeded(f"At most {event.max_tickets_per_user} tickets per person for this event.")

    # The price is fixed here for the life of the hold (dynamic pricing: events.pricing). A change of the
    # current price is recorded after commit, outside the locked section below.
    quotes = ticket_type_quotes(ticket_types=[types[pk] for pk in requested], now=now, starts_at=event.starts_at)
    prices = {pk: quote.price for pk, quote in quotes.items()}
    hold = Hold.objects.create(
        buyer=buyer,
        event=event,
        expires_at=now + HOLD_TTL,
        currency=event.currency,
        total=sum((prices[pk] * quantity for pk, quantity in requested.items()), Decimal("0")),
        idempotency_key=idempotency_key,
    )
    HoldLine.objects.bulk_create(
        HoldLine(hold=hold, ticket_type_id=pk, quantity=quantity, unit_price=prices[pk])
        for pk, quantity in requested.items()
    )
    seated_type_ids = set(
        TicketType.objects.filter(pk__in=requested, seat_sections__isnull=False).values_list("pk", flat=True)
    )
    expired_hold_ids = _expired_hold_ids(ticket_type_ids=set(requested), now=now)

    # The locked section. Nothing slow from here to the commit: every buyer of these types waits for it.
    pools = locks.pools_for_update(ids={tt.pool_id for tt in types.values()})
    locked = locks.ticket_types_for_update(ids=requested)
    if expired_hold_ids and _release_expired_holds(hold_ids=expired_hold_ids, ticket_type_ids=set(requested), now=now):
        locked = TicketType.objects.in_bulk(list(locked))  # counters changed; the rows are still ours
        pools = CapacityPool.objects.in_bulk(list(pools))

    pool_demand = defaultdict(int)
    for pk, quantity in requested.items():
        ticket_type = locked[pk]
        if ticket_type.capacity - ticket_type.sold - ticket_type.held < quantity:
            raise SoldOut(f"{ticket_type.name}: only {ticket_type.available} left." if ticket_type.available else None)
        if ticket_type.pool_id:
            pool_demand[ticket_type.pool_id] += quantity
    for pk, quantity in pool_demand.items():
        pool = pools[pk]
        if pool.capacity - pool.sold - pool.held < quantity:
            raise SoldOut()
    # Choosing seats stays under the ticket types' locks: concurrent "best available" picks of one price
    # zone are serialised instead of colliding on the same seats.
    if seated_type_ids:
        _reserve_seats(
            hold=hold,
            event=event,
            requested=requested,
            seat_requests=seat_requests,
            types=locked,
            seated_type_ids=seated_type_ids,
        )
    for pk, quantity in requested.items():
        TicketType.objects.filter(pk=pk).update(held=F("held") + quantity)
    for pk, quantity in pool_demand.items():
        CapacityPool.objects.filter(pk=pk).update(held=F("held") + quantity)
    price_changes_record_on_commit(event=event, ticket_types=[types[pk] for pk in requested], quotes=quotes, now=now)
    return hold


def _reserve_seats(
    *, hold: Hold, event: Event, requested: dict, seat_requests: dict, types: dict, seated_type_ids: set[int]
) -> None:
    reservations = []
    for pk in seated_type_ids:
        seat_ids = seat_requests.get(pk) or _best_available_seats(
            event=event, ticket_type=types[pk], quantity=requested[pk]
        )
        valid = set(
            Seat.objects.filter(
                pk__in=seat_ids, is_removed=False, row__section__ticket_type_id=pk, row__section__seat_map__event=event
            ).values_list("pk", flat=True)
        )
        if len(valid) != len(set(seat_ids)) or len(valid) != requested[pk]:
            raise InvalidSelection("Choose seats from the map for each ticket.")
        reservations += [SeatReservation(seat_id=seat, event=event, ticket_type_id=pk, hold=hold) for seat in valid]
    if not reservations:
        return
    try:
        with transaction.atomic():
            SeatReservation.objects.bulk_create(reservations)
    except IntegrityError as exc:
        raise SeatTaken() from exc


@transaction.atomic
def hold_release(*, hold: Hold, buyer: User) -> None:
    """Give back an active hold the buyer no longer wants. Releasing twice is harmless."""
    hold = Hold.objects.select_for_update().filter(pk=hold.pk, buyer=buyer).first()
    if hold is None or hold.status != Hold.Status.ACTIVE:
        return
    lines = list(hold.lines.all())
    locks.set_lock_timeout()
    types = TicketType.objects.filter(pk__in=[line.ticket_type_id for line in lines]).values_list("pool_id", flat=True)
    locks.pools_for_update(ids=set(types))
    locks.ticket_types_for_update(ids=[line.ticket_type_id for line in lines])
    hold_release_locked(hold=hold, lines=lines, status=Hold.Status.RELEASED)


def holds_expire_due(*, now: datetime, limit: int = 500) -> int:
    """Release expired holds (the periodic sweep). Each hold in its own short transaction."""
    due = list(Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__lte=now).values_list("pk", flat=True)[:limit])
    released = 0
    for pk in due:
        with transaction.atomic():
            hold = Hold.objects.select_for_update(skip_locked=True).filter(pk=pk, status=Hold.Status.ACTIVE).first()
            if hold is None:
                continue
            lines = list(hold.lines.all())
            locks.set_lock_timeout()
            type_ids = [line.ticket_type_id for line in lines]
            locks.pools_for_update(
                ids=set(TicketType.objects.filter(pk__in=type_ids).values_list("pool_id", flat=True))
            )
            locks.ticket_types_for_update(ids=type_ids)
            hold_release_locked(hold=hold, lines=lines, status=Hold.Status.EXPIRED)
            released += 1
    return released
