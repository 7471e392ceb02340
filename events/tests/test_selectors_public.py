"""Public reads of the catalogue: what is listed, prices, availability, visibility, wishlists, categories."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.errors import NotFound
from events.models import Event, WishlistItem
from events.selectors.public import (
    TicketOffer,
    category_counts,
    event_city_list,
    event_get_public,
    event_ticket_offers,
    events_public,
    events_upcoming,
    wishlist_list,
)
from events.tests.factories import (
    CapacityPoolFactory,
    CategoryFactory,
    EventFactory,
    TicketTypeFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def test_events_public_lists_only_published_listed_events_that_have_not_ended():
    now = timezone.now()
    listed = EventFactory()
    running = EventFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    EventFactory(draft=True)
    EventFactory(visibility=Event.Visibility.UNLISTED)
    EventFactory(status=Event.Status.CANCELLED)
    EventFactory(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))

    events = list(events_public(now=now))

    assert events == [running, listed]


def test_events_public_price_from_is_the_lowest_visible_price():
    event = EventFactory()
    TicketTypeFactory(event=event, price=Decimal("30.00"))
    TicketTypeFactory(event=event, price=Decimal("18.50"))
    TicketTypeFactory(event=event, price=Decimal("5.00"), is_hidden=True, unlock_code="CREW")
    bare = EventFactory()

    prices = {e.pk: e.price_from for e in events_public(now=timezone.now())}

    assert prices == {event.pk: Decimal("18.50"), bare.pk: None}


def test_events_public_counts_tickets_sold_over_every_ticket_type():
    event = EventFactory()
    TicketTypeFactory(event=event, sold=7)
    TicketTypeFactory(event=event, sold=3, is_hidden=True, unlock_code="VIP")

    (listed,) = events_public(now=timezone.now())

    assert listed.tickets_sold == 10


def test_events_public_tickets_left_counts_visible_types_minus_sold_and_held():
    event = EventFactory()
    TicketTypeFactory(event=event, capacity=50, sold=10, held=5)
    TicketTypeFactory(event=event, capacity=20, sold=20)
    TicketTypeFactory(event=event, capacity=100, is_hidden=True, unlock_code="VIP")

    (listed,) = events_public(now=timezone.now())

    assert listed.tickets_left == 35


def test_events_public_tickets_left_respects_shared_capacity():
    event = EventFactory()
    pool = CapacityPoolFactory(event=event, capacity=30, sold=20)
    TicketTypeFactory(event=event, pool=pool, capacity=100, sold=15)
    TicketTypeFactory(event=event, pool=pool, capacity=100, sold=5)
    TicketTypeFactory(event=event, capacity=4)

    (listed,) = events_public(now=timezone.now())

    assert listed.tickets_left == 10 + 4


def test_events_public_marks_the_viewers_saved_events():
    user = UserFactory()
    saved, other = EventFactory(), EventFactory()
    WishlistItem.objects.create(user=user, event=saved)

    flags = {e.pk: e.is_saved for e in events_public(now=timezone.now(), viewer=user)}
    anonymous = {e.pk: e.is_saved for e in events_public(now=timezone.now())}

    assert flags == {saved.pk: True, other.pk: False}
    assert anonymous == {saved.pk: False, other.pk: False}


def test_events_upcoming_leaves_out_the_excluded_events():
    first, second = EventFactory(), EventFactory()

    upcoming = events_upcoming(now=timezone.now(), exclude_ids=[first.pk])

    assert upcoming == [second]


def test_event_get_public_hides_drafts_from_everyone_but_owner_and_admins():
    draft = EventFactory(draft=True)

    with pytest.raises(NotFound):
        event_get_public(slug=draft.slug, user=None)
    with pytest.raises(NotFound):
        event_get_public(slug=draft.slug, user=UserFactory(organizer=True))
    assert event_get_public(slug=draft.slug, user=draft.organizer) == draft
    assert event_get_public(slug=draft.slug, user=UserFactory(admin=True)) == draft


@pytest.mark.parametrize(
    "attrs",
    [
        {"visibility": Event.Visibility.UNLISTED},
        {"status": Event.Status.CANCELLED},
        {"status": Event.Status.ENDED},
    ],
)
def test_event_get_public_opens_unlisted_cancelled_and_ended_events_by_link(attrs):
    event = EventFactory(**attrs)

    assert event_get_public(slug=event.slug, user=None) == event


def test_event_get_public_unknown_slug_is_not_found():
    with pytest.raises(NotFound):
        event_get_public(slug="no-such-event")


def test_event_ticket_offers_hide_hidden_types_unless_the_code_matches():
    event = EventFactory()
    TicketTypeFactory(event=event, name="Standard")
    TicketTypeFactory(event=event, name="Crew", is_hidden=True, unlock_code="CREW2026")
    event = event_get_public(slug=event.slug)

    public = event_ticket_offers(event=event, now=timezone.now())
    wrong = event_ticket_offers(event=event, now=timezone.now(), code="nope")
    unlocked = event_ticket_offers(event=event, now=timezone.now(), code=" crew2026 ")

    assert [o.ticket_type.name for o in public] == ["Standard"]
    assert [o.ticket_type.name for o in wrong] == ["Standard"]
    assert [(o.ticket_type.name, o.unlocked) for o in unlocked] == [("Standard", False), ("Crew", True)]


def test_event_ticket_offers_states():
    now = timezone.now()
    event = EventFactory()
    TicketTypeFactory(event=event, name="open", capacity=10, sold=2, position=1)
    TicketTypeFactory(event=event, name="sold", capacity=10, sold=10, position=2)
    TicketTypeFactory(event=event, name="later", sales_start=now + timedelta(days=1), position=3)
    TicketTypeFactory(event=event, name="closed", sales_end=now - timedelta(minutes=1), position=4)
    event = event_get_public(slug=event.slug)

    offers = {o.ticket_type.name: o for o in event_ticket_offers(event=event, now=now)}

    assert offers["open"].state == TicketOffer.State.ON_SALE and offers["open"].available == 8
    assert offers["open"].running_low
    assert offers["sold"].state == TicketOffer.State.SOLD_OUT
    assert offers["later"].state == TicketOffer.State.NOT_STARTED
    assert offers["closed"].state == TicketOffer.State.ENDED


def test_event_ticket_offers_are_limited_by_shared_capacity():
    event = EventFactory()
    pool = CapacityPoolFactory(event=event, capacity=40, sold=38)
    TicketTypeFactory(event=event, pool=pool, capacity=100)
    event = event_get_public(slug=event.slug)

    (offer,) = event_ticket_offers(event=event, now=timezone.now())

    assert offer.available == 2


def test_wishlist_list_most_recently_saved_first_without_drafts():
    user = UserFactory()
    now = timezone.now()
    older, newer, past = EventFactory(), EventFactory(), EventFactory(status=Event.Status.ENDED)
    draft = EventFactory(draft=True)
    WishlistItem.objects.create(user=user, event=older, created_at=now - timedelta(days=2))
    WishlistItem.objects.create(user=user, event=newer, created_at=now - timedelta(days=1))
    WishlistItem.objects.create(user=user, event=past, created_at=now - timedelta(days=3))
    WishlistItem.objects.create(user=user, event=draft, created_at=now)
    WishlistItem.objects.create(user=UserFactory(), event=EventFactory())

    saved = list(wishlist_list(user=user, now=now))

    assert saved == [newer, older, past]
    assert all(event.is_saved for event in saved)


def test_wishlist_list_flags_events_that_are_over():
    user = UserFactory()
    now = timezone.now()
    over = EventFactory(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    WishlistItem.objects.create(user=user, event=over)

    (event,) = wishlist_list(user=user, now=now)

    assert event.is_over


def test_category_counts_count_only_upcoming_listed_events():
    music, empty = CategoryFactory(name="Music", slug="music"), CategoryFactory(name="Talks", slug="talks")
    EventFactory.create_batch(2, category=music)
    EventFactory(category=music, draft=True)
    EventFactory(category=music, visibility=Event.Visibility.UNLISTED)

    counts = {category.slug: category.upcoming for category in category_counts(now=timezone.now())}

    assert counts == {"music": 2, "talks": 0}
    assert empty.slug in counts


def test_event_city_list_distinct_cities_of_listed_in_person_events():
    EventFactory(venue=VenueFactory(city="Lisbon"))
    EventFactory(venue=VenueFactory(city="Berlin"))
    EventFactory(venue=VenueFactory(city="Berlin"))
    EventFactory(online=True)
    EventFactory(venue=VenueFactory(city="Oslo"), draft=True)

    assert event_city_list(now=timezone.now()) == ["Berlin", "Lisbon"]
