"""Organizer API through its URLs: ownership (404 for others), roles, validation, mass assignment, services."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import token_pair
from core.models import AuditLogEntry
from events.models import CapacityPool, Event, EventStaff, TicketType, Venue
from events.tests.factories import (
    CapacityPoolFactory,
    CategoryFactory,
    EventFactory,
    TicketTypeFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

EVENTS = reverse("api-organizer-event-list")
VENUES = reverse("api-organizer-venue-list")


def event_url(event, name="api-organizer-event"):
    return reverse(name, args=[event.pk])


@pytest.fixture
def organizer():
    return UserFactory(organizer=True, name="Olga Organizer")


@pytest.fixture
def other_organizer():
    return UserFactory(organizer=True)


@pytest.fixture
def client_for(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def api(client_for, organizer):
    """An API client signed in as ``organizer``."""
    return client_for(organizer)


@pytest.fixture
def venue(organizer):
    return VenueFactory(organizer=organizer, city="Lisbon")


@pytest.fixture
def draft(organizer, venue):
    return EventFactory(organizer=organizer, venue=venue, draft=True, title="Spring Gala")


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


def error_fields(response) -> dict:
    return response.json()["error"]["fields"]


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


# --- events: change -----------------------------------------------------------------------------------------


def test_event_patch_changes_only_what_was_sent_and_records_it(api, organizer, draft):
    response = api.patch(event_url(draft), {"title": "Summer Gala", "category": CategoryFactory().slug}, format="json")

    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.title == "Summer Gala"
    assert draft.slug != "summer-gala"  # links keep working
    entry = AuditLogEntry.objects.get(action="event.updated", target_id=str(draft.pk))
    assert (entry.actor, entry.data) == (organizer, {"fields": ["title", "category"]})


def test_event_patch_refuses_an_end_before_the_stored_start(api, draft):
    response = api.patch(
        event_url(draft), {"ends_at": (draft.starts_at - timedelta(minutes=5)).isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert "ends_at" in error_fields(response)
    assert Event.objects.get(pk=draft.pk).ends_at == draft.ends_at


def test_event_patch_cannot_remove_the_venue_of_an_in_person_event(api, draft):
    response = api.patch(event_url(draft), {"venue": None}, format="json")

    assert response.status_code == 400
    assert "venue" in error_fields(response)


@pytest.mark.parametrize(
    "field, value",
    [
        ("status", "published"),
        ("featured", True),
        ("organizer", 1),
        ("slug", "taken-over"),
        ("cancelled_at", "2030-01-01T00:00:00Z"),
    ],
)
def test_event_patch_refuses_protected_fields_and_changes_nothing(api, draft, field, value):
    response = api.patch(event_url(draft), {field: value, "title": "Changed"}, format="json")

    assert response.status_code == 400
    assert field in error_fields(response)
    stored = Event.objects.get(pk=draft.pk)
    assert (stored.status, stored.featured, stored.title, stored.organizer_id) == (
        Event.Status.DRAFT,
        False,
        "Spring Gala",
        draft.organizer_id,
    )


def test_event_patch_of_another_organizers_event_answers_404_and_changes_nothing(api, other_organizer):
    event = EventFactory(organizer=other_organizer, title="Theirs")

    response = api.patch(event_url(event), {"title": "Mine now"}, format="json")

    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).title == "Theirs"


def test_event_patch_of_a_cancelled_event_answers_409(api, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.CANCELLED)

    response = api.patch(event_url(event), {"title": "Back again"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "event_not_editable"


def test_event_delete_removes_an_unsold_event(api, organizer, draft):
    response = api.delete(event_url(draft))

    assert response.status_code == 204
    assert not Event.objects.filter(pk=draft.pk).exists()
    assert AuditLogEntry.objects.filter(action="event.deleted", actor=organizer).exists()


def test_event_delete_refuses_an_event_with_sales(api, organizer):
    event = TicketTypeFactory(event__organizer=organizer, sold=1).event

    response = api.delete(event_url(event))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "event_has_orders"
    assert Event.objects.filter(pk=event.pk).exists()


def test_event_delete_of_another_organizers_event_answers_404(api, other_organizer):
    event = EventFactory(organizer=other_organizer, draft=True)

    response = api.delete(event_url(event))

    assert response.status_code == 404
    assert Event.objects.filter(pk=event.pk).exists()


# --- events: lifecycle --------------------------------------------------------------------------------------


def test_event_publish_puts_a_draft_on_sale(api, organizer, draft):
    TicketTypeFactory(event=draft)

    response = api.post(event_url(draft, "api-organizer-event-publish"))

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert AuditLogEntry.objects.filter(action="event.published", actor=organizer).exists()


def test_event_publish_without_ticket_types_answers_422(api, draft):
    response = api.post(event_url(draft, "api-organizer-event-publish"))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "event_not_publishable"
    assert Event.objects.get(pk=draft.pk).status == Event.Status.DRAFT


def test_event_publish_of_another_organizers_draft_answers_404(api, other_organizer):
    event = TicketTypeFactory(event__organizer=other_organizer, event__draft=True).event

    response = api.post(event_url(event, "api-organizer-event-publish"))

    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_event_unpublish_takes_an_unsold_event_back_to_draft(api, organizer):
    event = TicketTypeFactory(event__organizer=organizer).event

    response = api.post(event_url(event, "api-organizer-event-unpublish"))

    assert response.status_code == 200
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_event_unpublish_refuses_an_event_with_sales(api, organizer):
    event = TicketTypeFactory(event__organizer=organizer, held=2).event

    response = api.post(event_url(event, "api-organizer-event-unpublish"))

    assert response.status_code == 409
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_event_duplicate_copies_it_as_a_draft_without_sales(api, organizer):
    event = EventFactory(organizer=organizer, title="Opening Night", featured=True)
    pool = CapacityPoolFactory(event=event, sold=3)
    TicketTypeFactory(event=event, name="Stalls", sold=3, pool=pool)

    response = api.post(event_url(event, "api-organizer-event-duplicate"))

    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["status"], body["featured"]) == ("Opening Night (copy)", "draft", False)
    assert [(tt["name"], tt["sold"]) for tt in body["ticket_types"]] == [("Stalls", 0)]
    assert body["ticket_types"][0]["pool"] == body["capacity_pools"][0]["id"] != pool.pk


def test_event_cancel_records_the_reason(api, organizer):
    event = EventFactory(organizer=organizer, featured=True)

    response = api.post(event_url(event, "api-organizer-event-cancel"), {"reason": "  Storm warning "}, format="json")

    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.status, event.cancellation_reason, event.featured) == ("cancelled", "Storm warning", False)
    assert AuditLogEntry.objects.get(action="event.cancelled").data == {"reason": "Storm warning"}


def test_event_cancel_needs_a_reason(api, organizer):
    event = EventFactory(organizer=organizer)

    response = api.post(event_url(event, "api-organizer-event-cancel"), {"reason": " "}, format="json")

    assert response.status_code == 400
    assert "reason" in error_fields(response)
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_event_cancel_twice_answers_409(api, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.CANCELLED)

    response = api.post(event_url(event, "api-organizer-event-cancel"), {"reason": "Again"}, format="json")

    assert response.status_code == 409


def test_event_cancel_of_another_organizers_event_answers_404(api, other_organizer):
    event = EventFactory(organizer=other_organizer)

    response = api.post(event_url(event, "api-organizer-event-cancel"), {"reason": "Mine"}, format="json")

    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


# --- ticket types -------------------------------------------------------------------------------------------


def ticket_type_url(ticket_type):
    return reverse("api-organizer-ticket-type", args=[ticket_type.pk])


def test_ticket_type_list_shows_counters(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, capacity=10, sold=4, held=1)

    response = api.get(event_url(ticket_type.event, "api-organizer-ticket-type-list"))

    assert response.status_code == 200
    assert [(tt["id"], tt["sold"], tt["held"], tt["available"]) for tt in response.json()] == [
        (ticket_type.pk, 4, 1, 5)
    ]


def test_ticket_type_create_adds_one_to_my_event(api, organizer, draft):
    pool = CapacityPoolFactory(event=draft)
    payload = {"name": "Early bird", "price": "19.90", "capacity": 50, "pool": pool.pk, "max_per_order": 4}

    response = api.post(event_url(draft, "api-organizer-ticket-type-list"), payload, format="json")

    assert response.status_code == 201, response.content
    ticket_type = TicketType.objects.get(pk=response.json()["id"])
    assert (ticket_type.event, ticket_type.price, ticket_type.pool, ticket_type.max_per_order) == (
        draft,
        Decimal("19.90"),
        pool,
        4,
    )
    assert AuditLogEntry.objects.filter(action="ticket_type.created", actor=organizer).exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"price": "-1.00"}, "price"),
        ({"capacity": -5}, "capacity"),
        ({"min_per_order": 5, "max_per_order": 2}, "max_per_order"),
        ({"is_hidden": True}, "unlock_code"),
        ({"sales_start": "2030-01-02T00:00:00Z", "sales_end": "2030-01-01T00:00:00Z"}, "sales_end"),
        ({"sold": 10}, "sold"),
        ({"held": 10}, "held"),
        ({"event": 1}, "event"),
    ],
)
def test_ticket_type_create_refuses_bad_input_next_to_the_field(api, draft, overrides, field):
    payload = {"name": "Regular", "price": "25.00", "capacity": 100, **overrides}

    response = api.post(event_url(draft, "api-organizer-ticket-type-list"), payload, format="json")

    assert response.status_code == 400
    assert field in error_fields(response)
    assert not TicketType.objects.exists()


def test_ticket_type_create_refuses_a_shared_capacity_of_another_event(api, organizer, draft):
    elsewhere = CapacityPoolFactory(event__organizer=organizer)
    payload = {"name": "Regular", "price": "25.00", "capacity": 100, "pool": elsewhere.pk}

    response = api.post(event_url(draft, "api-organizer-ticket-type-list"), payload, format="json")

    assert response.status_code == 400
    assert "pool" in error_fields(response)


def test_ticket_type_create_on_another_organizers_event_answers_404(api, other_organizer):
    event = EventFactory(organizer=other_organizer)
    payload = {"name": "Sneaky", "price": "0.00", "capacity": 10}

    response = api.post(event_url(event, "api-organizer-ticket-type-list"), payload, format="json")

    assert response.status_code == 404
    assert not TicketType.objects.exists()


def test_ticket_type_patch_changes_the_price(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer)

    response = api.patch(ticket_type_url(ticket_type), {"price": "30.00"}, format="json")

    assert response.status_code == 200
    assert TicketType.objects.get(pk=ticket_type.pk).price == Decimal("30.00")
    assert AuditLogEntry.objects.get(action="ticket_type.updated").data == {"fields": ["price"]}


def test_ticket_type_patch_refuses_a_capacity_below_sold(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, capacity=100, sold=40, held=5)

    response = api.patch(ticket_type_url(ticket_type), {"capacity": 44}, format="json")

    assert response.status_code == 400
    assert "capacity" in error_fields(response)
    assert TicketType.objects.get(pk=ticket_type.pk).capacity == 100


def test_ticket_type_patch_accepts_a_capacity_equal_to_sold(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, capacity=100, sold=40, held=5)

    response = api.patch(ticket_type_url(ticket_type), {"capacity": 45}, format="json")

    assert response.status_code == 200
    assert response.json()["available"] == 0


@pytest.mark.parametrize("field", ["sold", "held", "event"])
def test_ticket_type_patch_refuses_counters_and_the_event(api, organizer, field):
    ticket_type = TicketTypeFactory(event__organizer=organizer, sold=3)

    response = api.patch(ticket_type_url(ticket_type), {field: 0, "price": "1.00"}, format="json")

    assert response.status_code == 400
    stored = TicketType.objects.get(pk=ticket_type.pk)
    assert (stored.sold, stored.price, stored.event_id) == (3, Decimal("25.00"), ticket_type.event_id)


def test_ticket_type_patch_of_another_organizers_type_answers_404(api, other_organizer):
    ticket_type = TicketTypeFactory(event__organizer=other_organizer)

    response = api.patch(ticket_type_url(ticket_type), {"price": "0.00"}, format="json")

    assert response.status_code == 404
    assert TicketType.objects.get(pk=ticket_type.pk).price == Decimal("25.00")


def test_ticket_type_patch_on_a_cancelled_event_answers_409(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, event__status=Event.Status.CANCELLED)

    response = api.patch(ticket_type_url(ticket_type), {"price": "1.00"}, format="json")

    assert response.status_code == 409


def test_ticket_type_delete_removes_an_unsold_type(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer)

    response = api.delete(ticket_type_url(ticket_type))

    assert response.status_code == 204
    assert not TicketType.objects.exists()


def test_ticket_type_delete_refuses_a_sold_type(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, sold=1)

    response = api.delete(ticket_type_url(ticket_type))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ticket_type_in_use"


def test_ticket_type_delete_of_another_organizers_type_answers_404(api, other_organizer):
    ticket_type = TicketTypeFactory(event__organizer=other_organizer)

    response = api.delete(ticket_type_url(ticket_type))

    assert response.status_code == 404
    assert TicketType.objects.filter(pk=ticket_type.pk).exists()


# --- shared capacities --------------------------------------------------------------------------------------


def pool_url(pool):
    return reverse("api-organizer-capacity-pool", args=[pool.pk])


def test_capacity_pool_create_and_list(api, organizer, draft):
    created = api.post(
        event_url(draft, "api-organizer-capacity-pool-list"), {"name": "Standing", "capacity": 500}, format="json"
    )

    listed = api.get(event_url(draft, "api-organizer-capacity-pool-list"))

    assert created.status_code == 201, created.content
    assert [(pool["name"], pool["capacity"], pool["available"]) for pool in listed.json()] == [("Standing", 500, 500)]
    assert AuditLogEntry.objects.filter(action="capacity_pool.saved", actor=organizer).exists()


def test_capacity_pool_patch_resizes_it(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer, capacity=100, sold=10)

    response = api.patch(pool_url(pool), {"capacity": 80}, format="json")

    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["available"]) == (80, 70)
    assert CapacityPool.objects.get(pk=pool.pk).name == pool.name


def test_capacity_pool_patch_refuses_a_capacity_below_sold(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer, capacity=100, sold=60)

    response = api.patch(pool_url(pool), {"capacity": 59}, format="json")

    assert response.status_code == 400
    assert "capacity" in error_fields(response)
    assert CapacityPool.objects.get(pk=pool.pk).capacity == 100


def test_capacity_pool_patch_refuses_its_counters(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer, sold=5)

    response = api.patch(pool_url(pool), {"sold": 0}, format="json")

    assert response.status_code == 400
    assert CapacityPool.objects.get(pk=pool.pk).sold == 5


def test_capacity_pool_of_another_organizer_answers_404(api, other_organizer):
    pool = CapacityPoolFactory(event__organizer=other_organizer, capacity=100)

    patched = api.patch(pool_url(pool), {"capacity": 1}, format="json")
    deleted = api.delete(pool_url(pool))
    listed = api.get(event_url(pool.event, "api-organizer-capacity-pool-list"))

    assert (patched.status_code, deleted.status_code, listed.status_code) == (404, 404, 404)
    assert CapacityPool.objects.get(pk=pool.pk).capacity == 100


def test_capacity_pool_delete_keeps_its_ticket_types(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer)
    ticket_type = TicketTypeFactory(event=pool.event, pool=pool)

    response = api.delete(pool_url(pool))

    assert response.status_code == 204
    assert TicketType.objects.get(pk=ticket_type.pk).pool is None


def test_capacity_pool_delete_refuses_one_with_sales(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer, sold=1)

    response = api.delete(pool_url(pool))

    assert response.status_code == 409
    assert CapacityPool.objects.filter(pk=pool.pk).exists()


# --- gate staff ---------------------------------------------------------------------------------------------


def test_staff_add_by_email_and_list(api, organizer, draft):
    gate = UserFactory(email="gate@example.com", name="Gus Gate")

    added = api.post(event_url(draft, "api-organizer-staff-list"), {"email": "GATE@example.com"}, format="json")
    listed = api.get(event_url(draft, "api-organizer-staff-list"))

    assert added.status_code == 201, added.content
    assert [(row["user_id"], row["email"], row["name"]) for row in listed.json()] == [
        (gate.pk, "gate@example.com", "Gus Gate")
    ]
    assert EventStaff.objects.get(event=draft).added_by == organizer


def test_staff_add_of_an_unknown_address_answers_422(api, draft):
    response = api.post(event_url(draft, "api-organizer-staff-list"), {"email": "nobody@example.com"}, format="json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "staff_user_not_found"


def test_staff_add_twice_answers_409(api, draft):
    gate = UserFactory()
    EventStaff.objects.create(event=draft, user=gate)

    response = api.post(event_url(draft, "api-organizer-staff-list"), {"email": gate.email}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_staff"


def test_staff_remove_by_body(api, draft):
    gate = UserFactory()
    EventStaff.objects.create(event=draft, user=gate)

    response = api.delete(event_url(draft, "api-organizer-staff-list"), {"user_id": gate.pk}, format="json")

    assert response.status_code == 204
    assert not EventStaff.objects.exists()


def test_staff_remove_by_url(api, draft):
    gate = UserFactory()
    EventStaff.objects.create(event=draft, user=gate)

    response = api.delete(reverse("api-organizer-staff", args=[draft.pk, gate.pk]))

    assert response.status_code == 204
    assert not EventStaff.objects.exists()


def test_staff_remove_without_user_id_answers_400(api, draft):
    response = api.delete(event_url(draft, "api-organizer-staff-list"), {}, format="json")

    assert response.status_code == 400
    assert "user_id" in error_fields(response)


def test_staff_of_another_organizers_event_answers_404(api, other_organizer):
    event = EventFactory(organizer=other_organizer)
    gate = UserFactory()
    EventStaff.objects.create(event=event, user=gate)

    listed = api.get(event_url(event, "api-organizer-staff-list"))
    added = api.post(event_url(event, "api-organizer-staff-list"), {"email": UserFactory().email}, format="json")
    removed = api.delete(reverse("api-organizer-staff", args=[event.pk, gate.pk]))

    assert (listed.status_code, added.status_code, removed.status_code) == (404, 404, 404)
    assert EventStaff.objects.filter(event=event).count() == 1


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


# --- covers and rules the services keep -----------------------------------------------------------------------


def png_upload(name="cover.png"):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "#4f46e5").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_event_cover_is_uploaded_as_multipart_and_removed_with_null(api, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    uploaded = api.patch(event_url(draft), {"cover": png_upload()}, format="multipart")
    removed = api.patch(event_url(draft), {"cover": None}, format="json")

    assert uploaded.status_code == 200, uploaded.content
    assert uploaded.json()["cover"].startswith("http://testserver/media/covers/")
    assert removed.json()["cover"] is None
    assert not Event.objects.get(pk=draft.pk).cover


def test_event_cover_must_be_an_image(api, draft):
    response = api.patch(
        event_url(draft), {"cover": SimpleUploadedFile("cover.png", b"not an image")}, format="multipart"
    )

    assert response.status_code == 400
    assert "cover" in error_fields(response)


def test_event_currency_cannot_change_after_sales(api, organizer):
    event = TicketTypeFactory(event__organizer=organizer, sold=1).event

    response = api.patch(event_url(event), {"currency": "USD"}, format="json")

    assert response.status_code == 400
    assert "currency" in error_fields(response)
    assert Event.objects.get(pk=event.pk).currency == "EUR"


def test_ticket_type_with_sales_cannot_move_to_another_shared_capacity(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, sold=2)
    pool = CapacityPoolFactory(event=ticket_type.event)

    response = api.patch(ticket_type_url(ticket_type), {"pool": pool.pk}, format="json")

    assert response.status_code == 409
    assert TicketType.objects.get(pk=ticket_type.pk).pool is None
