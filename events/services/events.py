"""Use cases for events: create, edit, duplicate, publish, unpublish, cancel and delete (organizers), and
feature on the home page (moderation).
"""

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Sum
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from core.services import audit_record
from events.errors import EventHasOrders, EventNotEditable, EventNotPublishable
from events.models import Event, SeatMap, Venue
from events.services.seat_maps import seat_map_copy

EDITABLE_FIELDS = (
    "title", "summary", "description", "category", "venue", "online_url", "starts_at", "ends_at", "timezone",
    "cover", "visibility", "currency", "max_tickets_per_order", "max_tickets_per_user", "requires_approval",
    "application_questions", "refund_policy", "refund_fee", "transfers_enabled", "transfer_cutoff_hours",
)  # fmt: skip


# The fixed words of the public event URLs (events/urls/public.py): an event with one of these slugs would
# be shadowed by the page of that name (``/events/wishlist/``) or shadow one (``/events/category/wishlist/``).
RESERVED_SLUGS = frozenset({"wishlist", "category"})


def event_unique_slug(title: str) -> str:
    """A slug for ``title`` that no event uses yet and that is none of the RESERVED_SLUGS (a suffix is added)."""
    base = slugify(title)[:140] or "event"
    slug = base
    while slug in RESERVED_SLUGS or Event.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid.uuid4().hex[:6]}"
    return slug


def _sold_or_held(event: Event) -> int:
    totals = event.ticket_types.aggregate(sold=Sum("sold"), held=Sum("held"))
    return (totals["sold"] or 0) + (totals["held"] or 0)


VENUE_FIELDS = ("name", "address", "city", "postal_code", "country", "latitude", "longitude")


@transaction.atomic
def venue_create(*, organizer: User, data: dict, now: datetime) -> Venue:
    """Add a venue to the organizer's own list, from validated ``data`` (VENUE_FIELDS).

    Raises: ValidationError.
    """
    venue = Venue(organizer=organizer, **{field: data[field] for field in VENUE_FIELDS if field in data})
    venue.full_clean()
    venue.save()
    audit_record(actor=organizer, action="venue.created", target=venue, now=now)
    return venue


@transaction.atomic
def event_create(*, organizer: User, data: dict, now: datetime) -> Event:
    """Create a draft event owned by ``organizer`` from validated ``data`` (EDITABLE_FIELDS)."""
    event = Event(organizer=organizer, slug=event_unique_slug(data["title"]))
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(event, field, data[field])
    event.full_clean()
    event.save()
    audit_record(actor=organizer, action="event.created", target=event, now=now)
    return event


@transaction.atomic
def event_update(*, event: Event, actor: User, data: dict, now: datetime) -> Event:
    """Change an event's details. Cancelled and ended events are frozen.

    Raises: EventNotEditable, ValidationError.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status in (Event.Status.CANCELLED, Event.Status.ENDED):
        raise EventNotEditable()
    changed = [field for field in EDITABLE_FIELDS if field in data and getattr(event, field) != data[field]]
    if "currency" in changed and _sold_or_held(event):
        # Sold tickets were paid (and are refunded) in the old currency.
        raise ValidationError({"currency": _("Tickets have been sold, so the currency can no longer change.")})
    for field in changed:
        setattr(event, field, data[field])
    if changed:
        event.full_clean()
        event.save()
        audit_record(actor=actor, action="event.updated", target=event, data={"fields": changed}, now=now)
    return event


@transaction.atomic
def event_publish(*, event: Event, actor: User, now: datetime) -> Event:
    """Put a draft on sale.

    Raises: EventNotPublishable (not a draft, already started, or no ticket types).
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.DRAFT:
        raise EventNotPublishable(f"Only drafts can be published; this event is {event.get_status_display().lower()}.")
    if event.starts_at <= now:
        raise EventNotPublishable("The event has already started. Move its start into the future first.")
    if not event.ticket_types.exists():
        raise EventNotPublishable("Add at least one ticket type before publishing.")
    event.status, event.published_at = Event.Status.PUBLISHED, now
    event.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=actor, action="event.published", target=event, now=now)
    return event


@transaction.atomic
def event_unpublish(*, event: Event, actor: User, now: datetime) -> Event:
    """Take a published event back to draft, only while nothing is sold or reserved.

    Raises: EventNotEditable, EventHasOrders.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        raise EventNotEditable("Only published events can be unpublished.")
    if _sold_or_held(event):
        raise EventHasOrders()
    event.status = Event.Status.DRAFT
    event.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="event.unpublished", target=event, now=now)
    return event


@transaction.atomic
def event_set_featured(*, event: Event, featured: bool, actor: User, now: datetime) -> Event:
    """Feature an event on the home page, or stop featuring it (moderation).

    Only a published event can be featured; any event can stop being featured. Asking for the state the
    event already has changes and records nothing, so a repeated action is harmless.
    Locks: the event row until commit (its status is checked under the lock).
    Raises: EventNotEditable when featuring an event that is not published.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.featured == featured:
        return event
    if featured and event.status != Event.Status.PUBLISHED:
        raise EventNotEditable(_("Only published events can be featured."))
    event.featured = featured
    event.save(update_fields=["featured", "updated_at"])
    audit_record(actor=actor, action="event.featured" if featured else "event.unfeatured", target=event, now=now)
    return event


@transaction.atomic
def event_cancel(*, event: Event, actor: User, reason: str, now: datetime) -> Event:
    """Cancel an event for good. After commit a job releases its holds, cancels its unpaid orders and
    refunds every paid order in full, telling each buyer (tickets.services.cancellations); the cancelled
    status is its outbox, so a lost job is found again by the beat sweep.

    Raises: EventNotEditable (already cancelled or ended).
    """
    from tickets.tasks import process_event_cancellation

    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status in (Event.Status.CANCELLED, Event.Status.ENDED):
        raise EventNotEditable(f"This event is already {event.get_status_display().lower()}.")
    event.status, event.cancelled_at, event.cancellation_reason = Event.Status.CANCELLED, now, reason.strip()
    event.featured = False
    event.save(update_fields=["status", "cancelled_at", "cancellation_reason", "featured", "updated_at"])
    audit_record(actor=actor, action="event.cancelled", target=event, data={"reason": reason.strip()}, now=now)
    process_event_cancellation.delay_on_commit(event.pk)
    return event


@transaction.atomic
def event_delete(*, event: Event, actor: User, now: datetime) -> None:
    """Delete an event that never sold anything.

    Raises: EventHasOrders.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if _sold_or_held(event):
        raise EventHasOrders()
    audit_record(actor=actor, action="event.deleted", target=event, data={"title": event.title}, now=now)
    try:
        event.delete()
    except ProtectedError as exc:
        # Nothing sold now, but orders or reservations (expired, refunded) still point at it.
        raise EventHasOrders(
            _("Orders or reservations were made for this event, so it cannot be deleted. Unpublish or cancel it.")
        ) from exc


@transaction.atomic
def event_duplicate(*, event: Event, actor: User, now: datetime) -> Event:
    """Copy an event as a new draft: details, shared capacities, ticket types and seat map; nothing sold."""
    copy = Event.objects.get(pk=event.pk)
    pools = {pool.pk: pool for pool in event.capacity_pools.all()}
    ticket_types = list(event.ticket_types.all())
    copy.pk = None
    copy.title = f"{event.title} (copy)"[:140]
    copy.slug = event_unique_slug(copy.title)
    copy.status, copy.featured, copy.published_at, copy.cancelled_at = Event.Status.DRAFT, False, None, None
    copy.cancellation_reason = ""
    copy.organizer = event.organizer
    copy.save()
    new_pools = {}
    for old_pk, pool in pools.items():
        pool.pk, pool.event, pool.sold, pool.held = None, copy, 0, 0
        pool.save()
        new_pools[old_pk] = pool
    new_types = {}
    for ticket_type in ticket_types:
        old_pk = ticket_type.pk
        ticket_type.pk, ticket_type.event, ticket_type.sold, ticket_type.held = None, copy, 0, 0
        ticket_type.pool = new_pools.get(ticket_type.pool_id)
        ticket_type.save()
        new_types[old_pk] = ticket_type
    seat_map = SeatMap.objects.filter(event=event).prefetch_related("sections__rows__seats").first()
    if seat_map:
        seat_map_copy(seat_map=seat_map, to_event=copy, ticket_types=new_types)
    audit_record(actor=actor, action="event.duplicated", target=copy, data={"from": event.pk}, now=now)
    return copy
