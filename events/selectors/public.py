"""Reads of the catalogue for the public: listings, event pages, categories and wishlists.

Availability is read from the ticket types' ``sold``/``held`` counters (and their shared capacity), so it is
exactly what the booking services lock and update; no row per ticket is counted.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from accounts.models import User
from core.errors import NotFound
from events.models import CapacityPool, Category, Event, TicketType, WishlistItem
from events.pricing import ticket_type_quotes
from events.pricing.rules import PriceStep, Quote
from events.pricing.text import step_text

# Statuses the public may open by link. Drafts are only for their organizer and admins.
PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED, Event.Status.ENDED)


def _left(prefix: str = "") -> F:
    return F(f"{prefix}capacity") - F(f"{prefix}sold") - F(f"{prefix}held")


def _sum_subquery(queryset: QuerySet, expression, *, group_by: str) -> Coalesce:
    """A correlated ``SUM`` as a scalar subquery (0 when there are no rows)."""
    summed = queryset.order_by().values(group_by).annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))


def tickets_left_expression() -> Coalesce:
    """Tickets the public can still buy for the outer event.

    Visible ticket types without shared capacity count what they have left; for each shared capacity,
    the smaller of what the pool has left and what its visible ticket types have left.
    """
    visible = TicketType.objects.filter(event=OuterRef("pk"), is_hidden=False)
    unpooled = _sum_subquery(visible.filter(pool__isnull=True), _left(), group_by="event")
    pool_types_left = _sum_subquery(
        TicketType.objects.filter(pool=OuterRef("pk"), is_hidden=False), _left(), group_by="pool"
    )
    pools = CapacityPool.objects.filter(event=OuterRef("pk")).annotate(
        left=Least(_left(), pool_types_left, output_field=IntegerField())
    )
    pooled = _sum_subquery(pools, F("left"), group_by="event")
    return unpooled + pooled


def with_listing_annotations(
    events: QuerySet[Event], *, viewer: User | None = None, now: datetime | None = None
) -> QuerySet[Event]:
    """Add ``price_from``, ``tickets_sold``, ``tickets_left``, ``is_saved`` and ``is_over`` (ended by ``now``).

    Subqueries rather than joins keep one row per event, so search, filters and ordering compose freely.
    ``price_from`` is the lowest price of a visible ticket type (None without any); ``tickets_sold`` counts
    every ticket type and is what "popularity" sorts by.
    """
    types = TicketType.objects.filter(event=OuterRef("pk")).order_by()
    # A dynamic price as last recorded (events.services.pricing), so lists, filters and sorting agree with it.
    shown_price = Case(
        When(dynamic_pricing=True, current_price__isnull=False, then=F("current_price")),
        default=F("price"),
        output_field=DecimalField(max_digits=10, decimal_places=2),
    )
    lowest = types.filter(is_hidden=False).annotate(shown_price=shown_price).order_by("shown_price")
    lowest = lowest.values("shown_price")[:1]
    if viewer is not None and viewer.is_authenticated:
        is_saved = Exists(WishlistItem.objects.filter(user=viewer, event=OuterRef("pk")))
    else:
        is_saved = Value(False)
    return events.annotate(
        price_from=Subquery(lowest),
        tickets_sold=_sum_subquery(types, F("sold"), group_by="event"),
        tickets_left=tickets_left_expression(),
        is_saved=is_saved,
        is_over=Value(False) if now is None else ExpressionWrapper(Q(ends_at__lte=now), output_field=BooleanField()),
    )


def events_public(*, now: datetime, viewer: User | None = None) -> QuerySet[Event]:
    """Published, listed events that have not ended, soonest first, with listing annotations."""
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED, visibility=Event.Visibility.PUBLIC, ends_at__gt=now
    ).select_related("category", "venue", "organizer")
    return with_listing_annotations(events, viewer=viewer).order_by("starts_at", "id")


def events_featured(*, now: datetime, viewer: User | None = None, limit: int = 6) -> list[Event]:
    return list(events_public(now=now, viewer=viewer).filter(featured=True)[:limit])


def events_upcoming(
    *, now: datetime, viewer: User | None = None, limit: int = 8, exclude_ids: Sequence[int] = ()
) -> list[Event]:
    return list(events_public(now=now, viewer=viewer).exclude(pk__in=exclude_ids)[:limit])


def event_get_public(*, slug: str, user: User | None = None) -> Event:
    """An event by slug as the public may see it: published, cancelled or ended, listed or unlisted.

    Drafts are visible to their organizer and to admins only (as a preview). Ticket types are prefetched
    with their shared capacity; the seat map (if any) is joined, so ``hasattr(event, "seat_map")`` is free.
    Raises: NotFound.
    """
    events = Event.objects.select_related("category", "venue", "organizer", "seat_map").prefetch_related(
        Prefetch("ticket_types", queryset=TicketType.objects.select_related("pool"))
    )
    if user is None or not user.is_authenticated:
        events = events.filter(status__in=PUBLIC_STATUSES)
    elif not user.is_admin:
        events = events.filter(Q(status__in=PUBLIC_STATUSES) | Q(organizer=user))
    event = events.filter(slug=slug).first()
    if event is None:
        raise NotFound()
    return event


@dataclass(frozen=True)
class TicketOffer:
    """A ticket type as the public sees it right now."""

    class State:
        ON_SALE = "on_sale"
        SOLD_OUT = "sold_out"
        NOT_STARTED = "not_started"
        ENDED = "ended"

    ticket_type: TicketType
    price: Decimal
    available: int
    state: str
    unlocked: bool
    quote: Quote | None = None

    @property
    def next_change(self) -> PriceStep | None:
        """The next change of a dynamic price, while the ticket is on sale."""
        if self.quote is None or self.state != self.State.ON_SALE:
            return None
        return self.quote.next_change

    @property
    def price_hints(self) -> list[str]:
        """What moves a dynamic price next, in words: 'Price rises to €55.00 after 12 more tickets'."""
        if self.quote is None or self.state != self.State.ON_SALE:
            return []
        event = self.ticket_type.event
        return [step_text(step, currency=event.currency, tz=event.tz) for step in self.quote.steps]

    @property
    def running_low(self) -> bool:
        return self.state == self.State.ON_SALE and self.available <= 20

    @property
    def quantity_choices(self) -> range:
        """What a buyer may pick in one order: 0, then min per order up to the smallest limit."""
        if self.state != self.State.ON_SALE:
            return range(0)
        ticket_type = self.ticket_type
        most = min(ticket_type.max_per_order, self.available, ticket_type.event.max_tickets_per_order)
        return range(ticket_type.min_per_order, most + 1) if most >= ticket_type.min_per_order else range(0)


def event_ticket_offers(
    *, event: Event, now: datetime, code: str = "", unlocked_ids: Collection[int] = ()
) -> list[TicketOffer]:
    """The event's ticket types the visitor may see, with price and availability.

    Hidden ticket types appear only when ``code`` matches their unlock code (case-insensitive), or when
    they are in ``unlocked_ids`` (the types a promo code reveals: ``tickets.selectors_promo``). Uses the
    ticket types prefetched by ``event_get_public`` when present.
    """
    code = code.strip().casefold()
    visible = [
        (
            ticket_type,
            ticket_type.is_hidden
            and ((bool(code) and ticket_type.unlock_code.casefold() == code) or ticket_type.pk in unlocked_ids),
        )
        for ticket_type in event.ticket_types.all()
    ]
    visible = [(ticket_type, unlocked) for ticket_type, unlocked in visible if unlocked or not ticket_type.is_hidden]
    quotes = ticket_type_quotes(ticket_types=[pair[0] for pair in visible], now=now, starts_at=event.starts_at)
    offers = []
    for ticket_type, unlocked in visible:
        available = ticket_type.available
        if ticket_type.pool is not None:
            pool = ticket_type.pool
            available = min(available, max(0, pool.capacity - pool.sold - pool.held))
        if event.ends_at <= now or (ticket_type.sales_end is not None and ticket_type.sales_end <= now):
            state = TicketOffer.State.ENDED
        elif ticket_type.sales_start is not None and ticket_type.sales_start > now:
            state = TicketOffer.State.NOT_STARTED
        elif available <= 0:
            state = TicketOffer.State.SOLD_OUT
        else:
            state = TicketOffer.State.ON_SALE
        offers.append(
            TicketOffer(
                ticket_type=ticket_type,
                price=quotes[ticket_type.pk].price,
                available=available,
                state=state,
                unlocked=unlocked,
                quote=quotes[ticket_type.pk],
            )
        )
    return offers


def event_is_wishlisted(*, event: Event, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return WishlistItem.objects.filter(user=user, event=event).exists()


def wishlist_list(*, user: User, now: datetime | None = None) -> QuerySet[Event]:
    """The user's saved events the public may still see, most recently saved first.

    With ``now``, ``is_over`` tells which of them have ended.
    """
    saved_at = WishlistItem.objects.filter(user=user, event=OuterRef("pk")).values("created_at")[:1]
    events = (
        Event.objects.filter(Exists(WishlistItem.objects.filter(user=user, event=OuterRef("pk"))))
        .filter(status__in=PUBLIC_STATUSES)
        .select_related("category", "venue", "organizer")
        .annotate(saved_at=Subquery(saved_at))
    )
    return with_listing_annotations(events, viewer=user, now=now).order_by("-saved_at", "-id")


def category_counts(*, now: datetime) -> QuerySet[Category]:
    """All categories with ``upcoming``: their number of published, listed events that have not ended."""
    upcoming = Q(
        events__status=Event.Status.PUBLISHED, events__visibility=Event.Visibility.PUBLIC, events__ends_at__gt=now
    )
    return Category.objects.annotate(upcoming=Count("events", filter=upcoming)).order_by("position", "name")


def category_get(*, slug: str) -> Category:
    """Raises: NotFound."""
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise NotFound()
    return category


def event_city_list(*, now: datetime) -> list[str]:
    """Cities with at least one upcoming listed event, alphabetically."""
    cities = (
        Event.objects.filter(
            status=Event.Status.PUBLISHED, visibility=Event.Visibility.PUBLIC, ends_at__gt=now, venue__isnull=False
        )
        .order_by("venue__city")
        .values_list("venue__city", flat=True)
        .distinct()
    )
    return list(cities)
