"""The price history of dynamic pricing: record each change of a ticket type's current price exactly once.

``TicketType.current_price`` caches the last recorded price, so noticing "nothing changed" costs a comparison
with a value already loaded. A change is written by a compare-and-set UPDATE of that column plus one
``PriceChange`` row, in a short transaction of its own: never inside a hold's locked section (see
``tickets/locks.py``), where it would make every buyer of the type wait for it.

Changes are noticed when a hold is made (``price_changes_record_on_commit``), when the organizer edits a ticket
type (``ticket_type_price_sync``) and by the beat task for time-based changes (``dynamic_prices_record_due``).
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.db import DatabaseError, connection, transaction

from events.models import Event, PriceChange, TicketType
from events.pricing import ticket_type_quote, ticket_type_quotes
from events.pricing.rules import Quote
from events.pricing.text import quote_reason
from events.selectors.pricing import ticket_types_to_reprice

logger = logging.getLogger(__name__)

RECORD_LOCK_TIMEOUT_MS = 500
REASON_MAX = 300


def _short_lock_timeout() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{RECORD_LOCK_TIMEOUT_MS}ms'")


def ticket_type_price_record(*, ticket_type_id: int, price: Decimal, reason: str, now: datetime) -> bool:
    """Record ``price`` as the ticket type's current price unless it already is; True when a change was written.

    Compare-and-set on ``current_price``: of several callers noticing the same change at once, one writes it.
    Locks: the ticket type row for one UPDATE, waiting at most RECORD_LOCK_TIMEOUT_MS; a caller that cannot
    get it gives up (returns False) and the next hold or the beat task records the change.
    """
    for _attempt in range(3):
        try:
            with transaction.atomic():
                _short_lock_timeout()
                previous = TicketType.objects.filter(pk=ticket_type_id).values_list("current_price", flat=True).first()
                if previous == price:
                    return False
                match = {"current_price__isnull": True} if previous is None else {"current_price": previous}
                if TicketType.objects.filter(pk=ticket_type_id, **match).update(current_price=price):
                    PriceChange.objects.create(
                        ticket_type_id=ticket_type_id,
                        price=price,
                        previous_price=previous,
                        reason=reason[:REASON_MAX],
                        at=now,
                    )
                    return True
        except DatabaseError:  # lock timeout, or the ticket type was just deleted
            logger.info("Price change of ticket type %s not recorded now; it will be later.", ticket_type_id)
            return False
    return False


def _record_many(changes: list[tuple[int, Decimal, str]], now: datetime) -> None:
    for ticket_type_id, price, reason in changes:
        ticket_type_price_record(ticket_type_id=ticket_type_id, price=price, reason=reason, now=now)


def price_changes_record_on_commit(
    *, event: Event, ticket_types: Iterable[TicketType], quotes: Mapping[int, Quote], now: datetime
) -> None:
    """After the current transaction commits, record the quoted prices that differ from the last recorded ones.

    For the hold service: ``ticket_types`` as it read them (their ``current_price`` loaded), so the common
    case (no change) costs nothing.
    """
    changes = [
        (
            ticket_type.pk,
            quotes[ticket_type.pk].price,
            quote_reason(quotes[ticket_type.pk], currency=event.currency, tz=event.tz),
        )
        for ticket_type in ticket_types
        if ticket_type.dynamic_pricing and ticket_type.current_price != quotes[ticket_type.pk].price
    ]
    if changes:
        transaction.on_commit(partial(_record_many, changes, now))


def ticket_type_price_sync(*, ticket_type: TicketType, now: datetime, note: str = "") -> bool:
    """Record the ticket type's price after the organizer changed it or its rules; ``note`` says what they did.

    Types with dynamic pricing always have a history; a fixed-price type only once it has one (it had
    dynamic pricing before), so turning dynamic pricing off records the return to the fixed price.
    """
    if not ticket_type.dynamic_pricing and ticket_type.current_price is None:
        return False
    event = ticket_type.event
    quote = ticket_type_quote(ticket_type=ticket_type, now=now, starts_at=event.starts_at)
    if quote.price == ticket_type.current_price:
        return False
    reason = quote_reason(quote, currency=event.currency, tz=event.tz) if ticket_type.dynamic_pricing else ""
    reason = " — ".join(part for part in (note, reason) if part)
    recorded = ticket_type_price_record(ticket_type_id=ticket_type.pk, price=quote.price, reason=reason, now=now)
    if recorded:
        ticket_type.current_price = quote.price
    return recorded


def dynamic_prices_record_due(*, now: datetime) -> int:
    """Record the changes time and demand made since the last look (the periodic task); how many were recorded.

    One query for the ticket types, one for their recent sales; a short transaction per change.
    """
    ticket_types = list(ticket_types_to_reprice(now=now))
    quotes = ticket_type_quotes(ticket_types=ticket_types, now=now)
    recorded = 0
    for ticket_type in ticket_types:
        quote = quotes[ticket_type.pk]
        if quote.price == ticket_type.current_price:
            continue
        event = ticket_type.event
        reason = quote_reason(quote, currency=event.currency, tz=event.tz)
        recorded += ticket_type_price_record(ticket_type_id=ticket_type.pk, price=quote.price, reason=reason, now=now)
    return recorded
