"""What a ticket costs now. Computed on the server only.

The hook every sale goes through is ``unit_price`` (or ``ticket_type_quotes`` for several ticket types at
once): ``tickets.services.holds.hold_create`` fixes each hold line's price with it, and the public selectors
show it. A ticket type without dynamic pricing costs its ``price``; with it, ``rules.price_quote`` decides
(the pure part, see ``events/pricing/rules.py`` and docs/pricing.md).

The only database read is "tickets sold in the last hour", and only for ticket types with a demand rule:
one aggregate query for all the ticket types quoted together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from events.pricing.rules import DEMAND, PricingRule, Quote, price_quote, rules_or_empty

if TYPE_CHECKING:
    from events.models import TicketType


def ticket_type_rules(ticket_type: TicketType) -> tuple[PricingRule, ...]:
    """The rules in force: none without dynamic pricing."""
    if not ticket_type.dynamic_pricing:
        return ()
    return rules_or_empty(ticket_type.pricing_rules)


def needs_demand(ticket_type: TicketType) -> bool:
    return any(rule.kind == DEMAND for rule in ticket_type_rules(ticket_type))


def ticket_type_quote(
    *, ticket_type: TicketType, now: datetime, sales_last_hour: int | None = None, starts_at: datetime | None = None
) -> Quote:
    """The price of one ticket of this type at ``now``, why, and what moves it next.

    ``starts_at`` defaults to the ticket type's event's start (pass it when the event is not loaded with it);
    ``sales_last_hour`` is read from the database when a demand rule needs it and it is not given.
    """
    rules = ticket_type_rules(ticket_type)
    if not rules:
        return Quote.fixed(ticket_type.price)
    if sales_last_hour is None:
        sales_last_hour = 0
        if any(rule.kind == DEMAND for rule in rules):
            from events.selectors.pricing import sales_last_hour_by_type

            sales_last_hour = sales_last_hour_by_type(ticket_types=[ticket_type], now=now).get(ticket_type.pk, 0)
    return price_quote(
        rules=rules,
        base=ticket_type.price,
        floor=ticket_type.price_floor,
        ceiling=ticket_type.price_ceiling,
        sold=ticket_type.sold,
        capacity=ticket_type.capacity,
        starts_at=starts_at or ticket_type.event.starts_at,
        now=now,
        sales_last_hour=sales_last_hour,
    )


def ticket_type_quotes(
    *, ticket_types: Sequence[TicketType], now: datetime, starts_at: datetime | None = None
) -> dict[int, Quote]:
    """Quotes for several ticket types (of one event, or of many), by primary key.

    At most one query: the recent sales of those with a demand rule.
    """
    with_demand = [ticket_type for ticket_type in ticket_types if needs_demand(ticket_type)]
    sales: Mapping[int, int] = {}
    if with_demand:
        from events.selectors.pricing import sales_last_hour_by_type

        sales = sales_last_hour_by_type(ticket_types=with_demand, now=now)
    return {
        ticket_type.pk: ticket_type_quote(
            ticket_type=ticket_type, now=now, sales_last_hour=sales.get(ticket_type.pk, 0), starts_at=starts_at
        )
        for ticket_type in ticket_types
    }


def unit_price(
    *, ticket_type: TicketType, now: datetime, sales_last_hour: int | None = None, starts_at: datetime | None = None
) -> Decimal:
    """The price a buyer pays for one ticket of this type if they reserve it at ``now``."""
    return ticket_type_quote(
        ticket_type=ticket_type, now=now, sales_last_hour=sales_last_hour, starts_at=starts_at
    ).price
