"""Ticket types and shared capacity of an event."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext

from accounts.models import User
from core.services import audit_record
from events.errors import CapacityBelowSold, EventNotEditable, TicketTypeInUse
from events.models import CapacityPool, Event, TicketType
from events.pricing.rules import check_dynamic_pricing, parse_rules, rules_to_json
from events.services.pricing import ticket_type_price_sync

TICKET_TYPE_FIELDS = (
    "name", "description", "price", "capacity", "pool", "sales_start", "sales_end", "min_per_order",
    "max_per_order", "is_hidden", "unlock_code", "position",
    "dynamic_pricing", "price_floor", "price_ceiling", "pricing_rules",
)  # fmt: skip
PRICING_FIELDS = {"price", "dynamic_pricing", "price_floor", "price_ceiling", "pricing_rules"}


def _check_pricing(ticket_type: TicketType, event: Event) -> None:
    """Store the rules in their canonical form and refuse inconsistent dynamic pricing.

    Raises: ValidationError (by field).
    """
    try:
        rules = parse_rules(ticket_type.pricing_rules)
    except ValidationError as exc:
        raise ValidationError({"pricing_rules": exc.messages}) from exc
    ticket_type.pricing_rules = rules_to_json(rules)
    if ticket_type.dynamic_pricing:
        errors = check_dynamic_pricing(
            price=ticket_type.price,
            floor=ticket_type.price_floor,
            ceiling=ticket_type.price_ceiling,
            rules=rules,
            starts_at=event.starts_at,
        )
        if errors:
            raise ValidationError(errors)


def _check_event_open(event: Event) -> None:
    if event.status in (Event.Status.CANCELLED, Event.Status.ENDED):
        raise EventNotEditable()


def _save_checked(instance, *, on_oversold: type[Exception]) -> None:
    """Validate and save; the database's not-oversold constraint has the last word."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        if "oversold" in str(exc):
            raise on_oversold() from exc
        raise


@transaction.atomic
def ticket_type_create(*, event: Event, actor: User, data: dict, now: datetime) -> TicketType:
    """Add a ticket type to an event that is still on sale or in draft.

    Raises: EventNotEditable, ValidationError.
    """
    _check_event_open(event)
    ticket_type = TicketType(event=event)
    for field in TICKET_TYPE_FIELDS:
        if field in data:
            setattr(ticket_type, field, data[field])
    if ticket_type.pool_id and ticket_type.pool.event_id != event.pk:
        ticket_type.pool = None
    _check_pricing(ticket_type, event)
    _save_checked(ticket_type, on_oversold=CapacityBelowSold)
    audit_record(actor=actor, action="ticket_type.created", target=ticket_type, now=now)
    ticket_type_price_sync(ticket_type=ticket_type, now=now, note=gettext("Dynamic pricing set up by the organizer"))
    return ticket_type


@transaction.atomic
def ticket_type_update(*, ticket_type: TicketType, actor: User, data: dict, now: datetime) -> TicketType:
    """Change a ticket type. The capacity can never drop below what is sold or held.

    Locks: the ticket type row until commit, so a concurrent sale cannot slip under the new capacity.
    Raises: EventNotEditable, CapacityBelowSold, ValidationError.
    """
    ticket_type = TicketType.objects.select_for_update().select_related("event").get(pk=ticket_type.pk)
    _check_event_open(ticket_type.event)
    changed = [field for field in TICKET_TYPE_FIELDS if field in data and getattr(ticket_type, field) != data[field]]
    for field in changed:
        setattr(ticket_type, field, data[field])
    if "pool" in changed and (ticket_type.sold or ticket_type.held):
        # The shared capacity counts these tickets; moving them would leave its counters wrong.
        raise TicketTypeInUse(
            "Tickets of this type have been sold or reserved, so it cannot move to another shared capacity."
        )
    if ticket_type.capacity < ticket_type.sold + ticket_type.held:
        raise CapacityBelowSold(
            f"{ticket_type.sold + ticket_type.held} tickets are sold or reserved; the capacity cannot be lower."
        )
    if ticket_type.pool_id and ticket_type.pool.event_id != ticket_type.event_id:
        ticket_type.pool = None
    if changed:
        _check_pricing(ticket_type, ticket_type.event)
        _save_checked(ticket_type, on_oversold=CapacityBelowSold)
        audit_record(actor=actor, action="ticket_type.updated", target=ticket_type, data={"fields": changed}, now=now)
    if PRICING_FIELDS & set(changed):
        note = gettext("Pricing changed by the organizer")
        if "dynamic_pricing" in changed:
            turned = gettext("Dynamic pricing turned on"), gettext("Dynamic pricing turned off")
            note = turned[0] if ticket_type.dynamic_pricing else turned[1]
        ticket_type_price_sync(ticket_type=ticket_type, now=now, note=note)
    return ticket_type


@transaction.atomic
def ticket_type_delete(*, ticket_type: TicketType, actor: User, now: datetime) -> None:
    """Remove a ticket type nobody has bought or reserved.

    Raises: TicketTypeInUse.
    """
    ticket_type = TicketType.objects.select_for_update().get(pk=ticket_type.pk)
    if ticket_type.sold or ticket_type.held:
        raise TicketTypeInUse()
    audit_record(
        actor=actor, action="ticket_type.deleted", target=ticket_type, data={"name": ticket_type.name}, now=now
    )
    try:
        ticket_type.delete()
    except ProtectedError as exc:
        # Nothing sold now, but orders or reservations (expired, refunded) still point at it.
        raise TicketTypeInUse(
            "Orders or reservations were made for this ticket type, so it cannot be deleted. End its sales instead."
        ) from exc


@transaction.atomic
def capacity_pool_save(
    *, event: Event, actor: User, name: str, capacity: int, now: datetime, pool: CapacityPool | None = None
) -> CapacityPool:
    """Create or resize a shared capacity. It can never drop below what is sold or held.

    Raises: CapacityBelowSold, EventNotEditable.
    """
    _check_event_open(event)
    if pool is None:
        pool = CapacityPool(event=event)
    else:
        pool = CapacityPool.objects.select_for_update().get(pk=pool.pk, event=event)
    if capacity < pool.sold + pool.held:
        raise CapacityBelowSold()
    pool.name, pool.capacity = name.strip(), capacity
    _save_checked(pool, on_oversold=CapacityBelowSold)
    audit_record(actor=actor, action="capacity_pool.saved", target=pool, data={"capacity": capacity}, now=now)
    return pool


@transaction.atomic
def capacity_pool_delete(*, pool: CapacityPool, actor: User, now: datetime) -> None:
    """Remove a shared capacity nobody has bought from; its ticket types keep their own capacities.

    Raises: TicketTypeInUse.
    """
    pool = CapacityPool.objects.select_for_update().get(pk=pool.pk)
    if pool.sold or pool.held:
        raise TicketTypeInUse("Tickets counted in this shared capacity have been sold or reserved.")
    audit_record(actor=actor, action="capacity_pool.deleted", target=pool, now=now)
    pool.delete()
