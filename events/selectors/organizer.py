"""Reads of the catalogue. Every organizer read is scoped to the owner (admins see everything)."""

from datetime import datetime

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Sum

from accounts.models import User
from core.errors import NotFound
from events.models import Category, Event, EventStaff, TicketType, WishlistItem


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


def events_public(*, now: datetime) -> QuerySet[Event]:
    """Published, public events that have not ended, with their lowest visible price and sales."""
    visible_types = Q(ticket_types__is_hidden=False)
    return (
        Event.objects.filter(status=Event.Status.PUBLISHED, visibility=Event.Visibility.PUBLIC, ends_at__gt=now)
        .select_related("category", "venue", "organizer")
        .annotate(
            price_from=Min("ticket_types__price", filter=visible_types),
            tickets_sold=Sum("ticket_types__sold", default=0),
            tickets_left=Sum("ticket_types__capacity", filter=visible_types, default=0)
            - Sum("ticket_types__sold", filter=visible_types, default=0)
            - Sum("ticket_types__held", filter=visible_types, default=0),
        )
    )


def event_get_public(*, slug: str, user: User | None = None) -> Event:
    """A published or cancelled event by slug (unlisted ones too: whoever has the link may see them).

    Raises: NotFound for drafts (except for their organizer and admins).
    """
    events = Event.objects.select_related("category", "venue", "organizer").prefetch_related(
        Prefetch("ticket_types", queryset=TicketType.objects.select_related("pool"))
    )
    visible = Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED, Event.Status.ENDED])
    if user is not None and user.is_authenticated:
        visible |= Q(organizer=user) if not user.is_admin else Q()
    event = events.filter(visible, slug=slug).first()
    if event is None:
        raise NotFound()
    return event


def event_is_wishlisted(*, event: Event, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return WishlistItem.objects.filter(user=user, event=event).exists()


def wishlist_list(*, user: User) -> QuerySet[Event]:
    """The user's saved events, most recently saved first."""
    saved = WishlistItem.objects.filter(user=user, event=OuterRef("pk"))
    return (
        Event.objects.filter(wishlisted_by__user=user)
        .select_related("category", "venue", "organizer")
        .annotate(
            saved=Exists(saved),
            price_from=Min("ticket_types__price", filter=Q(ticket_types__is_hidden=False)),
        )
        .order_by("-wishlisted_by__created_at")
    )


def category_counts(*, now: datetime) -> QuerySet[Category]:
    """Categories with their number of upcoming public events."""
    upcoming = Q(
        events__status=Event.Status.PUBLISHED, events__visibility=Event.Visibility.PUBLIC, events__ends_at__gt=now
    )
    return Category.objects.annotate(upcoming=Count("events", filter=upcoming))
