"""Event use cases: create, edit, publish, unpublish, cancel, delete, duplicate, feature."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.errors import EventHasOrders, EventNotEditable, EventNotPublishable
from events.models import CapacityPool, Event, Seat, SeatMap, TicketType, Venue
from events.services.events import (
    RESERVED_SLUGS,
    event_cancel,
    event_create,
    event_delete,
    event_duplicate,
    event_publish,
    event_set_featured,
    event_unique_slug,
    event_unpublish,
    event_update,
    venue_create,
)
from events.services.seat_maps import SectionSpec, seat_map_generate
from events.tests.factories import CapacityPoolFactory, CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory
from events.urls import public as public_urls
from tickets.models import Hold, HoldLine

pytestmark = pytest.mark.django_db


def event_data(**overrides) -> dict:
    starts = timezone.now() + timedelta(days=30)
    return {
        "title": "Jazz by the River",
        "summary": "Open-air jazz.",
        "category": CategoryFactory(),
        "online_url": "https://meet.example.com/jazz",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "timezone": "Europe/Lisbon",
        **overrides,
    }


def test_event_create_saves_a_draft_with_a_unique_slug_and_audits_it():
    organizer = UserFactory(organizer=True)
    EventFactory(slug="jazz-by-the-river")

    event = event_create(organizer=organizer, data=event_data(), now=timezone.now())

    assert (event.status, event.organizer, event.timezone) == (Event.Status.DRAFT, organizer, "Europe/Lisbon")
    assert event.slug.startswith("jazz-by-the-river-") and event.slug != "jazz-by-the-river"
    assert AuditLogEntry.objects.filter(action="event.created", target_id=str(event.pk)).exists()


@pytest.mark.parametrize("title", ["Wishlist", "Category", "CATEGORY!", "wishlist"])
def test_event_create_never_takes_a_public_url_word_as_its_slug(title):
    event = event_create(organizer=UserFactory(organizer=True), data=event_data(title=title), now=timezone.now())

    word = title.strip("!").lower()
    assert event.slug.startswith(f"{word}-") and event.slug != word


def test_event_unique_slug_adds_a_suffix_to_a_reserved_word_only():
    assert event_unique_slug("Category") not in RESERVED_SLUGS
    assert event_unique_slug("Categories") == "categories"
    assert event_unique_slug("My wishlist") == "my-wishlist"


def test_reserved_slugs_cover_every_fixed_word_of_the_public_event_urls():
    fixed = {
        str(pattern.pattern).split("/")[0]
        for pattern in public_urls.urlpatterns
        if isinstance(pattern, URLPattern) and not str(pattern.pattern).startswith("<")
    } - {""}

    assert fixed and fixed <= RESERVED_SLUGS


def test_event_create_refuses_an_end_before_the_start():
    data = event_data()
    data["ends_at"] = data["starts_at"] - timedelta(hours=1)

    with pytest.raises(ValidationError):
        event_create(organizer=UserFactory(organizer=True), data=data, now=timezone.now())

    assert not Event.objects.exists()


def test_event_update_changes_only_the_given_fields_and_records_them():
    event = EventFactory(draft=True, title="Old title")

    event_update(event=event, actor=event.organizer, data={"title": "New title"}, now=timezone.now())

    event.refresh_from_db()
    entry = AuditLogEntry.objects.get(action="event.updated")
    assert event.title == "New title" and entry.data == {"fields": ["title"]}


def test_event_update_of_a_cancelled_event_is_refused():
    event = EventFactory(status=Event.Status.CANCELLED)

    with pytest.raises(EventNotEditable):
        event_update(event=event, actor=event.organizer, data={"title": "Again"}, now=timezone.now())

    event.refresh_from_db()
    assert event.title != "Again"


def test_event_update_keeps_the_currency_once_tickets_are_sold():
    ticket_type = TicketTypeFactory(sold=3)
    event = ticket_type.event

    with pytest.raises(ValidationError) as caught:
        event_update(event=event, actor=event.organizer, data={"currency": "USD"}, now=timezone.now())

    event.refresh_from_db()
    assert "currency" in caught.value.message_dict and event.currency == "EUR"


def test_venue_create_belongs_to_the_organizer():
    organizer = UserFactory(organizer=True)

    venue = venue_create(
        organizer=organizer,
        data={"name": "Docks", "address": "Quay 1", "city": "Hamburg", "postal_code": "20457", "country": "DE"},
        now=timezone.now(),
    )

    assert Venue.objects.get(pk=venue.pk).organizer == organizer


def test_event_publish_puts_a_draft_on_sale():
    now = timezone.now()
    event = EventFactory(draft=True)
    TicketTypeFactory(event=event)

    event_publish(event=event, actor=event.organizer, now=now)

    event.refresh_from_db()
    assert (event.status, event.published_at) == (Event.Status.PUBLISHED, now)


def test_event_publish_without_ticket_types_is_refused():
    event = EventFactory(draft=True)

    with pytest.raises(EventNotPublishable, match="ticket type"):
        event_publish(event=event, actor=event.organizer, now=timezone.now())

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_event_publish_with_a_start_in_the_past_is_refused():
    now = timezone.now()
    event = EventFactory(draft=True, starts_at=now - timedelta(hours=1))
    TicketTypeFactory(event=event)

    with pytest.raises(EventNotPublishable, match="already started"):
        event_publish(event=event, actor=event.organizer, now=now)

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_event_publish_of_a_published_event_is_refused():
    event = EventFactory()
    TicketTypeFactory(event=event)

    with pytest.raises(EventNotPublishable):
        event_publish(event=event, actor=event.organizer, now=timezone.now())


def test_event_unpublish_returns_an_unsold_event_to_draft():
    event = EventFactory()
    TicketTypeFactory(event=event)

    event_unpublish(event=event, actor=event.organizer, now=timezone.now())

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


@pytest.mark.parametrize("counts", [{"sold": 1}, {"held": 2}])
def test_event_unpublish_is_blocked_by_sold_or_held_tickets(counts):
    ticket_type = TicketTypeFactory(**counts)
    event = ticket_type.event

    with pytest.raises(EventHasOrders):
        event_unpublish(event=event, actor=event.organizer, now=timezone.now())

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_event_cancel_records_when_and_why():
    now = timezone.now()
    event = EventFactory(featured=True)

    event_cancel(event=event, actor=event.organizer, reason="  The band is ill. ", now=now)

    event.refresh_from_db()
    assert (event.status, event.cancelled_at, event.cancellation_reason) == ("cancelled", now, "The band is ill.")
    assert event.featured is False
    assert AuditLogEntry.objects.get(action="event.cancelled").data == {"reason": "The band is ill."}


def test_event_cancel_twice_is_refused():
    event = EventFactory(status=Event.Status.CANCELLED)

    with pytest.raises(EventNotEditable):
        event_cancel(event=event, actor=event.organizer, reason="Again", now=timezone.now())


def test_event_delete_removes_an_unsold_event_with_its_ticket_types():
    ticket_type = TicketTypeFactory()
    event = ticket_type.event

    event_delete(event=event, actor=event.organizer, now=timezone.now())

    assert not Event.objects.filter(pk=event.pk).exists()
    assert not TicketType.objects.filter(pk=ticket_type.pk).exists()
    assert AuditLogEntry.objects.filter(action="event.deleted", target_id=str(event.pk)).exists()


def test_event_delete_with_sold_tickets_is_refused():
    ticket_type = TicketTypeFactory(sold=1)

    with pytest.raises(EventHasOrders):
        event_delete(event=ticket_type.event, actor=ticket_type.event.organizer, now=timezone.now())

    assert Event.objects.filter(pk=ticket_type.event_id).exists()


def test_event_delete_with_an_expired_reservation_is_refused_not_crashed():
    ticket_type = TicketTypeFactory()
    event = ticket_type.event
    hold = Hold.objects.create(
        buyer=UserFactory(), event=event, status=Hold.Status.EXPIRED, expires_at=timezone.now(), currency="EUR", total=0
    )
    HoldLine.objects.create(hold=hold, ticket_type=ticket_type, quantity=1, unit_price=Decimal("25.00"))

    with pytest.raises(EventHasOrders, match="Orders or reservations"):
        event_delete(event=event, actor=event.organizer, now=timezone.now())

    assert Event.objects.filter(pk=event.pk).exists()
    assert not AuditLogEntry.objects.filter(action="event.deleted").exists()


def test_event_duplicate_copies_details_pools_and_ticket_types_with_nothing_sold():
    event = EventFactory(title="Summer Gala", featured=True, refund_policy=[{"hours_before": 48, "percent": 50}])
    pool = CapacityPoolFactory(event=event, name="Hall", capacity=300, sold=40, held=2)
    TicketTypeFactory(event=event, name="Standard", price=Decimal("30.00"), capacity=250, sold=30, pool=pool)
    TicketTypeFactory(event=event, name="VIP", price=Decimal("90.00"), capacity=50, sold=10, held=2, pool=pool)

    copy = event_duplicate(event=event, actor=event.organizer, now=timezone.now())

    copy.refresh_from_db()
    assert copy.pk != event.pk and copy.slug != event.slug
    assert (copy.title, copy.status, copy.featured, copy.published_at) == ("Summer Gala (copy)", "draft", False, None)
    assert copy.refund_policy == event.refund_policy and copy.venue == event.venue
    new_pool = CapacityPool.objects.get(event=copy)
    assert (new_pool.name, new_pool.capacity, new_pool.sold, new_pool.held) == ("Hall", 300, 0, 0)
    copies = list(TicketType.objects.filter(event=copy).order_by("name").values_list("name", "sold", "held", "pool"))
    assert copies == [("Standard", 0, 0, new_pool.pk), ("VIP", 0, 0, new_pool.pk)]
    assert TicketType.objects.filter(event=event, sold__gt=0).count() == 2


def test_event_duplicate_copies_the_seat_map_onto_the_new_ticket_types():
    now = timezone.now()
    event = EventFactory(draft=True)
    stalls = TicketTypeFactory(event=event, name="Stalls", capacity=1)
    seat_map_generate(
        event=event,
        sections=[SectionSpec(name="Stalls", rows=2, seats_per_row=3, ticket_type=stalls)],
        actor=event.organizer,
        now=now,
    )

    copy = event_duplicate(event=event, actor=event.organizer, now=now)

    seat_map = SeatMap.objects.get(event=copy)
    section = seat_map.sections.get()
    assert section.ticket_type.event_id == copy.pk and section.ticket_type.name == "Stalls"
    assert Seat.objects.filter(row__section=section).count() == 6
    assert SeatMap.objects.filter(event=event).exists()


def test_event_duplicate_of_an_online_event_keeps_the_link():
    event = EventFactory(online=True, venue=None)

    copy = event_duplicate(event=event, actor=event.organizer, now=timezone.now())

    assert copy.online_url == event.online_url and copy.venue is None


def test_event_duplicate_by_an_admin_stays_with_the_organizer():
    event = EventFactory(venue=VenueFactory())
    admin = UserFactory(admin=True)

    copy = event_duplicate(event=event, actor=admin, now=timezone.now())

    assert copy.organizer == event.organizer


# --- featuring (moderation) ----------------------------------------------------------------------------------


def test_event_set_featured_features_a_published_event_and_records_it():
    event, moderator = EventFactory(), UserFactory(admin=True)

    featured = event_set_featured(event=event, featured=True, actor=moderator, now=timezone.now())

    assert featured.featured is True and Event.objects.get(pk=event.pk).featured is True
    entry = AuditLogEntry.objects.get(action="event.featured")
    assert (entry.actor, entry.target_id) == (moderator, str(event.pk))


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED, Event.Status.ENDED])
def test_event_set_featured_refuses_an_event_that_is_not_published(status):
    event = EventFactory(status=status)

    with pytest.raises(EventNotEditable, match="Only published events"):
        event_set_featured(event=event, featured=True, actor=UserFactory(admin=True), now=timezone.now())

    assert Event.objects.get(pk=event.pk).featured is False
    assert not AuditLogEntry.objects.filter(action="event.featured").exists()


def test_event_set_featured_checks_the_status_under_the_lock_not_on_the_stale_object():
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)  # unpublished since ``event`` was read

    with pytest.raises(EventNotEditable):
        event_set_featured(event=event, featured=True, actor=None, now=timezone.now())


def test_event_set_featured_unfeatures_any_event_and_records_it():
    draft = EventFactory(draft=True, featured=True)  # unpublishing keeps the flag

    event_set_featured(event=draft, featured=False, actor=UserFactory(admin=True), now=timezone.now())

    assert Event.objects.get(pk=draft.pk).featured is False
    assert AuditLogEntry.objects.filter(action="event.unfeatured", target_id=str(draft.pk)).count() == 1


@pytest.mark.parametrize("featured", [True, False])
def test_event_set_featured_to_the_current_state_changes_and_records_nothing(featured):
    event = EventFactory(featured=featured)
    before = Event.objects.get(pk=event.pk).updated_at

    event_set_featured(event=event, featured=featured, actor=None, now=timezone.now())

    assert Event.objects.get(pk=event.pk).updated_at == before
    assert not AuditLogEntry.objects.filter(action__in=["event.featured", "event.unfeatured"]).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_event_set_featured_locks_the_event_row():
    event = EventFactory()

    with CaptureQueriesContext(connection) as queries:
        event_set_featured(event=event, featured=True, actor=None, now=timezone.now())

    assert any("FOR UPDATE" in query["sql"] and '"events_event"' in query["sql"] for query in queries.captured_queries)
