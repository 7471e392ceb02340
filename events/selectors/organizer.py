"""Reads of the catalogue. Every organizer read is scoped to the owner (admins see everything)."""

from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from accounts.models import User
from core.errors import NotFound
from events.models import CapacityPool, Category, Event, EventStaff, TicketType, Venue


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def event_list_for_organizer(*, organizer: User) -> QuerySet[Event]:
    """The organizer's events (all events for admins) with sales totals, newest start first."""
    events = Event.objects.all() if organizer.is_admin else Event.objects.filter(organizer=organizer)
    return (
        events.select_related("category", "venue", "organizer")
        .annotate(
            tickets_sold=Sum("ticket_types__sold", default=0),
            tickets_capacity=Sum("ticket_types__capacity", default=0),
        )
        .order_by("-starts_at", "-id")
    )


def event_get_for_organizer(*, organizer: User, pk: int) -> Event:
    """One of the organizer's events (any event for admins).

    Raises: NotFound — also for another organizer's event, so its existence is not revealed.
    """
    events = Event.objects.all() if organizer.is_admin else Event.objects.filter(organizer=organizer)
    event = events.select_related("category", "venue", "organizer").filter(pk=pk).first()
    if event is None:
        raise NotFound()
    return event


def ticket_type_get_for_organizer(*, organizer: User, pk: int) -> TicketType:
    """Raises: NotFound for a ticket type of someone else's event."""
    ticket_types = TicketType.objects.select_related("event", "pool")
    if not organizer.is_admin:
        ticket_types = ticket_types.filter(event__organizer=organizer)
    ticket_type = ticket_types.filter(pk=pk).first()
    if ticket_type is None:
        raise NotFound()
    return ticket_type


def event_staff_list(*, event: Event) -> QuerySet[EventStaff]:
    return EventStaff.objects.filter(event=event).select_related("user").order_by("user__name")


# --- Organizer dashboard -------------------------------------------------------------------------------

EVENT_TABS = ("all", "draft", "published", "cancelled", "past")


def event_tab_filter(*, tab: str, now: datetime) -> Q:
    """The events one dashboard tab shows. Draft, published (still to come), cancelled and past split all events."""
    held = Q(status=Event.Status.ENDED) | Q(status=Event.Status.PUBLISHED, ends_at__lte=now)
    return {
        "all": Q(),
        "draft": Q(status=Event.Status.DRAFT),
        "published": Q(status=Event.Status.PUBLISHED, ends_at__gt=now),
        "cancelled": Q(status=Event.Status.CANCELLED),
        "past": held,
    }[tab]


def event_counts_for_organizer(*, organizer: User, now: datetime) -> dict[str, int]:
    """How many of the organizer's events each dashboard tab holds, in one query."""
    events = Event.objects.all() if organizer.is_admin else Event.objects.filter(organizer=organizer)
    counts = {tab: Count("pk", filter=event_tab_filter(tab=tab, now=now)) for tab in EVENT_TABS if tab != "all"}
    return events.aggregate(all=Count("pk"), **counts)


def event_list_upcoming_for_organizer(*, organizer: User, now: datetime, limit: int = 5) -> QuerySet[Event]:
    """The organizer's next drafts and published events that have not ended, soonest first, with sales."""
    return (
        event_list_for_organizer(organizer=organizer)
        .filter(status__in=[Event.Status.DRAFT, Event.Status.PUBLISHED], ends_at__gt=now)
        .order_by("starts_at", "id")[:limit]
    )


def ticket_type_list_for_event(*, event: Event) -> QuerySet[TicketType]:
    return TicketType.objects.filter(event=event).select_related("pool")


def capacity_pool_list_for_event(*, event: Event) -> QuerySet[CapacityPool]:
    """The event's shared capacities with their ticket types."""
    return (
        CapacityPool.objects.filter(event=event)
        .prefetch_related(Prefetch("ticket_types", queryset=TicketType.objects.order_by("position", "price", "id")))
        .order_by("name", "id")
    )


def pool_get_for_organizer(*, organizer: User, pk: int) -> CapacityPool:
    """A shared capacity by id alone, with its event and ticket types, scoped like ``event_get_for_organizer``.

    Raises: NotFound for a shared capacity of someone else's event.
    """
    pools = CapacityPool.objects.select_related("event").prefetch_related("ticket_types")
    if not organizer.is_admin:
        pools = pools.filter(event__organizer=organizer)
    pool = pools.filter(pk=pk).first()
    if pool is None:
        raise NotFound()
    return pool


def venue_list_for_organizer(*, organizer: User) -> QuerySet[Venue]:
    return Venue.objects.filter(organizer=organizer).order_by("name", "id")
