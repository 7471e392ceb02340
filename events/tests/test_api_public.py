"""Public catalogue API through its URLs: what anyone may see, filters, pages, query budgets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.throttling import AnonRateThrottle

from accounts.tests.factories import UserFactory
from events.models import Event, WishlistItem
from events.services.seat_maps import SectionSpec, seat_map_generate
from events.tests.factories import (
    CapacityPoolFactory,
    CategoryFactory,
    EventFactory,
    TicketTypeFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

CATEGORIES = reverse("api-category-list")
EVENTS = reverse("api-event-list")


def detail_url(event) -> str:
    return reverse("api-event-detail", args=[event.slug])


def seats_url(event) -> str:
    return reverse("api-event-seats", args=[event.slug])


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


# --- categories ---------------------------------------------------------------------------------------------


def test_category_list_counts_upcoming_public_events(api_client):
    music = CategoryFactory(slug="music", name="Music", position=1)
    CategoryFactory(slug="talks", name="Talks", position=2)
    EventFactory(category=music)
    EventFactory(category=music, draft=True)
    EventFactory(category=music, visibility=Event.Visibility.UNLISTED)

    response = api_client.get(CATEGORIES)

    assert response.status_code == 200
    assert [(row["slug"], row["upcoming_events"]) for row in response.json()] == [("music", 1), ("talks", 0)]
    assert set(response.json()[0]) == {"id", "slug", "name", "icon", "colour", "upcoming_events"}


# --- event list ---------------------------------------------------------------------------------------------


def test_event_list_shows_published_listed_upcoming_events_only(api_client):
    listed = EventFactory(slug="listed")
    EventFactory(draft=True)
    EventFactory(status=Event.Status.CANCELLED)
    EventFactory(visibility=Event.Visibility.UNLISTED)
    EventFactory(starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1))

    response = api_client.get(EVENTS)

    assert response.status_code == 200
    assert slugs(response) == [listed.slug]


def test_event_list_item_has_the_documented_shape(api_client):
    event = EventFactory(
        slug="rooftop",
        venue=VenueFactory(name="Sky Bar", city="Porto", country="PT"),
        featured=True,
        currency="EUR",
    )
    TicketTypeFactory(event=event, price=Decimal("12.50"), capacity=10, sold=3, held=1)
    TicketTypeFactory(event=event, price=Decimal("5.00"), is_hidden=True, unlock_code="CREW")

    item = api_client.get(EVENTS).json()["results"][0]

    assert set(item) == {
        "id", "slug", "title", "summary", "category", "venue", "online", "starts_at", "ends_at", "timezone",
        "cover", "price_from", "currency", "tickets_left", "featured", "url",
    }  # fmt: skip
    assert item["venue"] == {"name": "Sky Bar", "city": "Porto", "country": "PT"}
    assert (item["online"], item["price_from"], item["tickets_left"], item["featured"]) == (False, "12.50", 6, True)
    assert item["cover"] is None
    assert item["url"] == "http://testserver" + detail_url(event)


def test_event_list_shows_an_online_event_without_venue(api_client):
    EventFactory(online=True)

    item = api_client.get(EVENTS).json()["results"][0]

    assert (item["venue"], item["online"]) == (None, True)


def test_event_list_paginates_with_page_and_page_size(api_client):
    start = timezone.now() + timedelta(days=1)
    for day in range(5):
        EventFactory(slug=f"day-{day}", starts_at=start + timedelta(days=day))

    response = api_client.get(EVENTS, {"page": 2, "page_size": 2})

    body = response.json()
    assert (body["count"], slugs(response)) == (5, ["day-2", "day-3"])
    assert body["next"] and body["previous"]


def test_event_list_answers_404_past_the_last_page(api_client):
    EventFactory()

    response = api_client.get(EVENTS, {"page": 3})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"category": "music"}, ["concert"]),
        ({"city": "LISBON"}, ["concert"]),
        ({"online": "true"}, ["webinar"]),
        ({"online": "false"}, ["concert", "workshop"]),
        ({"free": "true"}, ["webinar"]),
        ({"price_min": "20"}, ["concert"]),
        ({"price_max": "20"}, ["webinar", "workshop"]),
        ({"available": "false"}, ["workshop"]),
        ({"search": "river"}, ["concert"]),
        ({"ordering": "-price"}, ["concert", "workshop", "webinar"]),
    ],
)
def test_event_list_filters(api_client, params, expected):
    now = timezone.now()
    concert = EventFactory(
        slug="concert",
        title="Songs by the River",
        category=CategoryFactory(slug="music"),
        venue=VenueFactory(city="Lisbon"),
        starts_at=now + timedelta(days=1),
    )
    TicketTypeFactory(event=concert, price=Decimal("30.00"))
    webinar = EventFactory(slug="webinar", online=True, starts_at=now + timedelta(days=2))
    TicketTypeFactory(event=webinar, price=Decimal("0.00"))
    workshop = EventFactory(slug="workshop", venue=VenueFactory(city="Berlin"), starts_at=now + timedelta(days=3))
    TicketTypeFactory(event=workshop, price=Decimal("15.00"), capacity=5, sold=5)

    response = api_client.get(EVENTS, params)

    assert response.status_code == 200
    assert slugs(response) == expected


@pytest.mark.parametrize(
    "params, field",
    [({"price_min": "-1"}, "price_min"), ({"date_from": "tomorrow"}, "date_from"), ({"ordering": "x"}, "ordering")],
)
def test_event_list_refuses_a_bad_filter_value(api_client, params, field):
    response = api_client.get(EVENTS, params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("count", [3, 50])
@pytest.mark.parametrize("signed_in", [False, True])
def test_event_list_query_count_does_not_grow_with_events(api_client, django_assert_max_num_queries, count, signed_in):
    for event in EventFactory.create_batch(count):
        pool = CapacityPoolFactory(event=event)
        TicketTypeFactory(event=event, pool=pool)
        TicketTypeFactory(event=event)
    if signed_in:
        api_client.force_authenticate(UserFactory())

    with django_assert_max_num_queries(2):  # the page and its count
        response = api_client.get(EVENTS, {"page_size": 100, "search": "Event", "available": "true"})

    assert response.json()["count"] == count


def test_event_list_is_throttled_for_anonymous_visitors(api_client, monkeypatch):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/min")

    statuses = [api_client.get(EVENTS).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


# --- event detail -------------------------------------------------------------------------------------------


def test_event_detail_shows_ticket_types_with_price_and_availability(api_client):
    event = EventFactory(title="Harbour Lights", venue=VenueFactory(address="Quay 7", city="Oslo"))
    event.organizer.name = "Nora Nilsen"
    event.organizer.save()
    pool = CapacityPoolFactory(event=event, capacity=50, sold=45)
    standard = TicketTypeFactory(event=event, name="Standard", price=Decimal("20.00"), capacity=100, sold=10)
    pooled = TicketTypeFactory(event=event, name="Pooled", price=Decimal("30.00"), capacity=40, pool=pool)

    response = api_client.get(detail_url(event))

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["status"], body["organizer"], body["is_seated"]) == (
        "Harbour Lights",
        "published",
        {"name": "Nora Nilsen"},
        False,
    )
    assert (body["venue"]["address"], body["venue"]["city"]) == ("Quay 7", "Oslo")
    assert body["price_from"] == "20.00"
    assert [(tt["id"], tt["price"], tt["available"], tt["on_sale"]) for tt in body["ticket_types"]] == [
        (standard.pk, "20.00", 90, True),
        (pooled.pk, "30.00", 5, True),
    ]
    assert set(body["ticket_types"][0]) == {
        "id", "name", "description", "price", "currency", "available", "sales_start", "sales_end", "on_sale",
        "min_per_order", "max_per_order", "dynamic_pricing", "price_now", "next_change",
    }  # fmt: skip


def test_event_detail_never_shows_the_online_link_or_counters(api_client):
    event = EventFactory(online=True)
    TicketTypeFactory(event=event, is_hidden=True, unlock_code="SECRET")

    body = api_client.get(detail_url(event)).json()

    assert "online_url" not in body
    assert "meet.example.com" not in str(body)
    assert "SECRET" not in str(body)


def test_event_detail_hides_hidden_ticket_types_without_their_code(api_client):
    event = EventFactory()
    TicketTypeFactory(event=event, name="Public")
    TicketTypeFactory(event=event, name="Friends", is_hidden=True, unlock_code="Amigo")

    without = api_client.get(detail_url(event)).json()["ticket_types"]
    wrong = api_client.get(detail_url(event), {"code": "nope"}).json()["ticket_types"]
    right = api_client.get(detail_url(event), {"code": "amigo"}).json()["ticket_types"]

    assert [tt["name"] for tt in without] == [tt["name"] for tt in wrong] == ["Public"]
    assert sorted(tt["name"] for tt in right) == ["Friends", "Public"]


def test_event_detail_says_a_ticket_type_is_not_on_sale_before_its_sales_start(api_client):
    event = EventFactory()
    TicketTypeFactory(event=event, sales_start=timezone.now() + timedelta(days=1))

    ticket_type = api_client.get(detail_url(event)).json()["ticket_types"][0]

    assert ticket_type["on_sale"] is False


def test_event_detail_of_a_cancelled_event_sells_nothing(api_client):
    event = EventFactory(status=Event.Status.CANCELLED, cancellation_reason="Storm")
    TicketTypeFactory(event=event)

    body = api_client.get(detail_url(event)).json()

    assert (body["status"], body["cancellation_reason"]) == ("cancelled", "Storm")
    assert body["ticket_types"][0]["on_sale"] is False


def test_event_detail_of_a_draft_answers_404_to_the_public(api_client):
    event = EventFactory(draft=True)

    response = api_client.get(detail_url(event))

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def test_event_detail_of_a_draft_is_a_preview_for_its_organizer(api_client):
    event = EventFactory(draft=True)
    api_client.force_authenticate(event.organizer)

    response = api_client.get(detail_url(event))

    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_event_detail_of_an_unlisted_event_is_open_by_link(api_client):
    event = EventFactory(visibility=Event.Visibility.UNLISTED)

    assert api_client.get(detail_url(event)).status_code == 200


def test_event_detail_says_whether_i_saved_it(api_client):
    event = EventFactory()
    user = UserFactory()
    WishlistItem.objects.create(user=user, event=event)
    api_client.force_authenticate(user)

    assert api_client.get(detail_url(event)).json()["saved"] is True


@pytest.mark.parametrize("types", [1, 20])
def test_event_detail_query_count_does_not_grow_with_ticket_types(api_client, django_assert_max_num_queries, types):
    event = EventFactory()
    pool = CapacityPoolFactory(event=event)
    TicketTypeFactory.create_batch(types, event=event, pool=pool)
    api_client.force_authenticate(UserFactory())

    with django_assert_max_num_queries(4):  # event, ticket types, seat map, wishlist
        response = api_client.get(detail_url(event))

    assert len(response.json()["ticket_types"]) == types


# --- seat map -----------------------------------------------------------------------------------------------


def test_event_seats_returns_the_seat_map(api_client):
    event = EventFactory(draft=True)
    stalls = TicketTypeFactory(event=event, name="Stalls", price=Decimal("40.00"))
    seat_map_generate(
        event=event,
        sections=[SectionSpec(name="Stalls", rows=2, seats_per_row=3, ticket_type=stalls)],
        actor=event.organizer,
        now=timezone.now(),
    )
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)

    response = api_client.get(seats_url(event))

    assert response.status_code == 200, response.content
    body = response.json()
    section = body["sections"][0]
    assert (section["name"], section["ticket_type"]["id"], section["ticket_type"]["price"]) == (
        "Stalls",
        stalls.pk,
        "40.00",
    )
    assert [row["label"] for row in section["rows"]] == ["A", "B"]
    assert [(seat["number"], seat["removed"], seat["state"]) for seat in section["rows"][0]["seats"]] == [
        (1, False, "available"),
        (2, False, "available"),
        (3, False, "available"),
    ]
    assert body["zones"][0]["seats"] == 6
    assert api_client.get(detail_url(event)).json()["is_seated"] is True


def test_event_seats_of_an_event_without_a_map_answers_404_no_seat_map(api_client):
    event = EventFactory()

    response = api_client.get(seats_url(event))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_seat_map"


def test_event_seats_of_a_draft_answers_404(api_client):
    event = EventFactory(draft=True)

    response = api_client.get(seats_url(event))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
