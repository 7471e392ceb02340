"""Organizer API for events: who may call it, my events listed, read and created, and my venues."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import token_pair
from core.models import AuditLogEntry
from events.models import Event, Venue
from events.tests.factories import CapacityPoolFactory, CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory
from events.tests.helpers_api_organizer import error_fields, event_url

pytestmark = pytest.mark.django_db


EVENTS = reverse("api-organizer-event-list")


VENUES = reverse("api-organizer-venue-list")


def new_event_payload(category_, venue=None, **overrides):
    starts = timezone.now() + timedelta(days=30)
    payload = {
        "title": "Jazz by the River",
        "summary": "Three bands, one evening.",
        "category": category_.slug,
        "venue": venue.pk if venue else None,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=4)).isoformat(),
        "timezone": "Europe/Lisbon",
        "currency": "EUR",
        **overrides,
    }
    return {key: value for key, value in payload.items() if value is not None}


# --- who may call ------------------------------------------------------------------------------------------


def test_organizer_api_answers_401_to_an_anonymous_client(api_client):
    response = api_client.get(EVENTS)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "method, url_name, with_event",
    [
        ("get", "api-organizer-event-list", False),
        ("post", "api-organizer-event-list", False),
        ("get", "api-organizer-event", True),
        ("patch", "api-organizer-event", True),
        ("post", "api-organizer-event-publish", True),
        ("get", "api-organizer-ticket-type-list", True),
        ("get", "api-organizer-staff-list", True),
        ("get", "api-organizer-venue-list", False),
    ],
)
def test_organizer_api_refuses_an_attendee_with_403(client_for, method, url_name, with_event):
    event = EventFactory(draft=True)
    url = reverse(url_name, args=[event.pk]) if with_event else reverse(url_name)

    response = getattr(client_for(UserFactory()), method)(url, {}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_organizer_api_accepts_a_jwt_access_token(api_client, organizer, draft):
    tokens = token_pair(api_client, email=organizer.email, password=DEFAULT_PASSWORD)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    response = api_client.get(EVENTS)

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [draft.pk]


def test_organizer_api_accepts_a_session(client, organizer, draft):
    client.force_login(organizer)

    response = client.get(event_url(draft))

    assert response.status_code == 200


# --- events: list and read -----------------------------------------------------------------------------------


def test_event_list_shows_only_my_events_with_sales_totals(api, organizer, other_organizer):
    mine = EventFactory(organizer=organizer)
    TicketTypeFactory(event=mine, capacity=100, sold=30)
    TicketTypeFactory(event=mine, capacity=50, sold=5)
    EventFactory(organizer=other_organizer)

    response = api.get(EVENTS)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert (item["id"], item["status"], item["tickets_sold"], item["tickets_capacity"]) == (
        mine.pk,
        "published",
        35,
        150,
    )
    assert item["venue"]["city"] == mine.venue.city


def test_event_list_filters_by_status(api, organizer, draft):
    EventFactory(organizer=organizer)

    response = api.get(EVENTS, {"status": "draft"})

    assert [item["id"] for item in response.json()["results"]] == [draft.pk]


def test_event_list_shows_an_admin_every_event(client_for, organizer, other_organizer):
    EventFactory(organizer=organizer)
    EventFactory(organizer=other_organizer)

    response = client_for(UserFactory(admin=True)).get(EVENTS)

    assert response.json()["count"] == 2


@pytest.mark.parametrize("count", [3, 50])
def test_event_list_query_count_does_not_grow_with_events(api, organizer, django_assert_max_num_queries, count):
    for event in EventFactory.create_batch(count, organizer=organizer):
        TicketTypeFactory(event=event)

    with django_assert_max_num_queries(2):  # the page and its count
        response = api.get(EVENTS, {"page_size": 100})

    assert response.json()["count"] == count


def test_event_detail_shows_ticket_types_and_shared_capacities(api, organizer):
    event = EventFactory(organizer=organizer)
    pool = CapacityPoolFactory(event=event, capacity=120)
    ticket_type = TicketTypeFactory(event=event, pool=pool, is_hidden=True, unlock_code="VIP")

    response = api.get(event_url(event))

    assert response.status_code == 200
    body = response.json()
    assert body["ticket_types"][0]["id"] == ticket_type.pk
    assert body["ticket_types"][0]["unlock_code"] == "VIP"
    assert body["capacity_pools"] == [
        {
            "id": pool.pk,
            "event": event.pk,
            "name": pool.name,
            "capacity": 120,
            "sold": 0,
            "held": 0,
            "available": 120,
            "ticket_types": [ticket_type.pk],
        }
    ]


def test_event_detail_of_another_organizers_event_answers_404(api, other_organizer):
    event = EventFactory(organizer=other_organizer)

    response = api.get(event_url(event))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_event_detail_of_any_event_is_open_to_an_admin(client_for, other_organizer):
    event = EventFactory(organizer=other_organizer)

    response = client_for(UserFactory(admin=True)).get(event_url(event))

    assert response.status_code == 200


# --- events: create -----------------------------------------------------------------------------------------


def test_event_create_makes_a_draft_of_mine_and_records_it(api, organizer, venue):
    category = CategoryFactory(slug="jazz")

    response = api.post(EVENTS, new_event_payload(category, venue), format="json")

    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert (event.organizer, event.status, event.category, event.venue) == (
        organizer,
        Event.Status.DRAFT,
        category,
        venue,
    )
    assert event.slug == "jazz-by-the-river"
    assert response.json()["venue"]["address"] == venue.address
    assert AuditLogEntry.objects.filter(action="event.created", actor=organizer, target_id=str(event.pk)).exists()


def test_event_create_takes_the_category_by_id(api, venue):
    category = CategoryFactory()

    response = api.post(EVENTS, new_event_payload(category, venue, category=category.pk), format="json")

    assert response.status_code == 201
    assert response.json()["category"]["slug"] == category.slug


def test_event_create_online_needs_no_venue(api):
    payload = new_event_payload(CategoryFactory(), online_url="https://meet.example.com/jazz")

    response = api.post(EVENTS, payload, format="json")

    assert response.status_code == 201
    assert response.json()["online"] is True
    assert response.json()["venue"] is None


def test_event_create_stores_a_refund_policy(api, venue):
    tiers = [{"hours_before": 168, "percent": 100}, {"hours_before": 48, "percent": 50}]

    response = api.post(EVENTS, new_event_payload(CategoryFactory(), venue, refund_policy=tiers), format="json")

    assert response.status_code == 201
    assert Event.objects.get(pk=response.json()["id"]).refund_policy == tiers


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"category": "no-such-category"}, "category"),
        ({"category": 999999}, "category"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"currency": "euro"}, "currency"),
        ({"max_tickets_per_order": 0}, "max_tickets_per_order"),
        ({"refund_policy": [{"hours_before": 24, "percent": 150}]}, "refund_policy"),
        ({"refund_fee": "-1.00"}, "refund_fee"),
        ({"online_url": "not a link"}, "online_url"),
        ({"title": ""}, "title"),
    ],
)
def test_event_create_refuses_bad_input_next_to_the_field(api, venue, overrides, field):
    response = api.post(EVENTS, new_event_payload(CategoryFactory(), venue, **overrides), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in error_fields(response)
    assert not Event.objects.exists()


def test_event_create_refuses_an_end_before_the_start(api, venue):
    starts = timezone.now() + timedelta(days=3)
    payload = new_event_payload(
        CategoryFactory(), venue, starts_at=starts.isoformat(), ends_at=(starts - timedelta(hours=1)).isoformat()
    )

    response = api.post(EVENTS, payload, format="json")

    assert response.status_code == 400
    assert list(error_fields(response)) == ["ends_at"]
    assert not Event.objects.exists()


def test_event_create_needs_a_venue_or_an_online_link(api):
    response = api.post(EVENTS, new_event_payload(CategoryFactory()), format="json")

    assert response.status_code == 400
    assert "venue" in error_fields(response)


def test_event_create_refuses_another_organizers_venue(api, other_organizer):
    theirs = VenueFactory(organizer=other_organizer)

    response = api.post(EVENTS, new_event_payload(CategoryFactory(), theirs), format="json")

    assert response.status_code == 400
    assert error_fields(response)["venue"] == ["Choose one of your venues."]
    assert not Event.objects.exists()


def test_event_create_refuses_protected_fields(api, venue, other_organizer):
    payload = new_event_payload(
        CategoryFactory(),
        venue,
        status="published",
        organizer=other_organizer.pk,
        featured=True,
        slug="my-own-slug",
        published_at=timezone.now().isoformat(),
    )

    response = api.post(EVENTS, payload, format="json")

    assert response.status_code == 400
    assert set(error_fields(response)) == {"status", "organizer", "featured", "slug", "published_at"}
    assert not Event.objects.exists()


# --- venues -------------------------------------------------------------------------------------------------


def test_venue_list_shows_only_mine(api, venue, other_organizer):
    VenueFactory(organizer=other_organizer)

    response = api.get(VENUES)

    assert [item["id"] for item in response.json()["results"]] == [venue.pk]


def test_venue_create_makes_one_of_mine(api, organizer):
    payload = {"name": "Blue Note", "address": "Rua 1", "city": "Porto", "country": "pt", "latitude": "41.15"}

    response = api.post(VENUES, payload, format="json")

    assert response.status_code == 201, response.content
    venue = Venue.objects.get(pk=response.json()["id"])
    assert (venue.organizer, venue.country, venue.latitude) == (organizer, "PT", Decimal("41.15"))
    assert AuditLogEntry.objects.filter(action="venue.created", actor=organizer).exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"country": "Portugal"}, "country"),
        ({"latitude": "91"}, "latitude"),
        ({"longitude": "-181"}, "longitude"),
        ({"city": ""}, "city"),
        ({"organizer": 1}, "organizer"),
    ],
)
def test_venue_create_refuses_bad_input(api, overrides, field):
    payload = {"name": "Blue Note", "address": "Rua 1", "city": "Porto", "country": "PT", **overrides}

    response = api.post(VENUES, payload, format="json")

    assert response.status_code == 400
    assert field in error_fields(response)
    assert not Venue.objects.exists()
