"""Public catalogue pages through their URLs: home, list, category, detail, calendar file, wishlist."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.tests.factories import UserFactory
from events.models import Event, Seat, SeatMap, SeatRow, SeatSection, WishlistItem
from events.tests.factories import CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("events:list")
HOME_URL = reverse("core:home")


def detail_url(event: Event, **params) -> str:
    url = reverse("events:detail", args=[event.slug])
    return f"{url}?{urlencode(params)}" if params else url


def toggle_url(event: Event) -> str:
    return reverse("events:wishlist_toggle", args=[event.slug])


def make_catalogue(count: int) -> list[Event]:
    """Events spread over categories and cities, each with two ticket types, one of them partly sold."""
    categories = [CategoryFactory(slug=f"cat-{n}", name=f"Category {n}") for n in range(3)]
    events = []
    for n in range(count):
        event = EventFactory(
            category=categories[n % 3],
            venue=VenueFactory(city=["Berlin", "Lisbon", "Oslo"][n % 3]),
            featured=n % 5 == 0,
            starts_at=timezone.now() + timedelta(days=n + 1),
        )
        TicketTypeFactory(event=event, price=Decimal("10.00") + n, sold=n % 4)
        TicketTypeFactory(event=event, price=Decimal("50.00"))
        events.append(event)
    return events


# --- home ---------------------------------------------------------------------------------------------


def test_home_with_no_events_shows_friendly_empty_state(client):
    response = client.get(HOME_URL)

    assert response.status_code == 200
    assert "No events on sale yet" in response.content.decode()


def test_home_shows_featured_upcoming_and_categories(client):
    music = CategoryFactory(name="Live music", slug="live-music")
    star = EventFactory(title="Big Star Night", featured=True, category=music)
    TicketTypeFactory(event=star, price=Decimal("35.00"))
    EventFactory(title="Small Club Gig", category=music)
    EventFactory(title="Secret Draft", draft=True)

    body = client.get(HOME_URL).content.decode()

    assert "Big Star Night" in body and "Small Club Gig" in body
    assert "Secret Draft" not in body
    assert "€35.00" in body
    assert reverse("events:category", args=["live-music"]) in body and "2 events" in body
    assert f'action="{LIST_URL}"' in body


@pytest.mark.parametrize("count", [3, 50])
def test_home_query_budget_does_not_grow(client, django_assert_max_num_queries, count):
    make_catalogue(count)
    client.force_login(UserFactory())

    with django_assert_max_num_queries(5):  # session, user, featured, upcoming, categories
        response = client.get(HOME_URL)

    assert response.status_code == 200


# --- list ---------------------------------------------------------------------------------------------


def test_list_paginates_twelve_per_page_and_keeps_filters_in_page_links(client):
    make_catalogue(15)

    first = client.get(LIST_URL, {"city": "Berlin", "ordering": "price"})
    everything = client.get(LIST_URL, {"page": 2})

    assert first.context["result_count"] == 5
    assert len(everything.context["events"]) == 3 and everything.context["result_count"] == 15
    body = client.get(LIST_URL, {"category": "cat-0", "ordering": "-date"}).content.decode()
    assert len(client.get(LIST_URL).context["events"]) == 12
    assert "?page=2" in client.get(LIST_URL).content.decode()
    assert "Clear filters" in body


def test_list_page_links_keep_the_query_string(client):
    make_catalogue(14)

    body = client.get(LIST_URL, {"ordering": "popularity", "online": "false"}).content.decode()

    assert "?ordering=popularity&amp;online=false&amp;page=2" in body


def test_list_leaves_out_unlisted_and_draft_events(client):
    EventFactory(title="Open Air", visibility=Event.Visibility.UNLISTED)
    EventFactory(title="Not Yet", draft=True)
    EventFactory(title="Everyone Welcome")

    body = client.get(LIST_URL, {"search": ""}).content.decode()
    searched = client.get(LIST_URL, {"search": "Open Air"}).content.decode()

    assert "Everyone Welcome" in body and "Open Air" not in body and "Not Yet" not in body
    assert "No events match these filters" in searched


def test_list_search_and_filters_show_result_count_and_chips(client):
    EventFactory(title="Harbour Jazz", venue=VenueFactory(city="Lisbon"))
    EventFactory(title="Harbour Walk", venue=VenueFactory(city="Oslo"))

    response = client.get(LIST_URL, {"search": "harbour", "city": "Lisbon"})

    body = response.content.decode()
    assert response.context["result_count"] == 1
    assert "Harbour Jazz" in body and "Harbour Walk" not in body
    assert [chip["label"] for chip in response.context["active_filters"]] == ["“harbour”", "Lisbon"]
    assert response.context["active_filters"][1]["remove_url"] == "?search=harbour"


def test_list_city_select_offers_cities_with_events(client):
    EventFactory(venue=VenueFactory(city="Porto"))

    response = client.get(LIST_URL)

    assert response.context["cities"] == ["Porto"]
    assert '<option value="Porto"' in response.content.decode()


def test_list_without_events_has_an_empty_state(client):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert "No upcoming events yet" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "9999"},
        {"page": "-1"},
        {"price_min": "-5"},
        {"date_from": "notadate"},
        {"date_to": "99999-01-01"},
        {"ordering": "DROP TABLE"},
        {"free": "maybe", "online": "2"},
        {"search": "'\"&|!:*()"},
        {"category": "../../etc"},
        {"price_max": "1e400"},
    ],
)
def test_list_bad_parameters_never_fail(client, params):
    make_catalogue(3)

    response = client.get(LIST_URL, params)

    assert response.status_code == 200


def test_list_reports_ignored_filters(client):
    response = client.get(LIST_URL, {"price_min": "-5", "date_from": "notadate"})

    body = response.content.decode()
    assert "Some filters were ignored" in body
    assert "Minimum price — Ensure this value is greater than or equal to 0" in body
    assert "Enter a valid date" in body


@pytest.mark.parametrize("count", [3, 50])
def test_list_query_budget_does_not_grow(client, django_assert_max_num_queries, count):
    make_catalogue(count)
    client.force_login(UserFactory())
    params = {"search": "event", "date_from": timezone.localdate().isoformat(), "price_max": "500", "ordering": "price"}

    # session, user, time zones in use (date filter), count, page, categories, cities
    with django_assert_max_num_queries(7):
        response = client.get(LIST_URL, params)

    assert response.status_code == 200 and response.context["result_count"] == count


def test_list_htmx_request_gets_the_page_and_a_tidy_address(client):
    make_catalogue(3)

    response = client.get(
        LIST_URL, {"search": "", "city": "Berlin", "free": "", "ordering": "price"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200 and 'id="results"' in response.content.decode()
    assert response["HX-Push-Url"] == f"{LIST_URL}?city=Berlin&ordering=price"


def test_list_links_drop_empty_parameters(client):
    make_catalogue(14)

    response = client.get(LIST_URL, {"search": "", "city": "", "online": "false", "date_from": ""})

    assert "?online=false&amp;page=2" in response.content.decode()
    assert response.context["active_filters"][0]["remove_url"] == "?"


# --- category -----------------------------------------------------------------------------------------


def test_category_page_lists_only_that_category_under_its_heading(client):
    theatre = CategoryFactory(name="Theatre", slug="theatre")
    EventFactory(title="Hamlet", category=theatre)
    EventFactory(title="Techno Night")

    response = client.get(reverse("events:category", args=["theatre"]), {"city": "Berlin"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in body and "Theatre" in body
    assert "Hamlet" in body and "Techno Night" not in body


def test_category_page_ignores_a_category_parameter(client):
    theatre = CategoryFactory(slug="theatre")
    EventFactory(title="Hamlet", category=theatre)
    EventFactory(title="Techno Night", category=CategoryFactory(slug="techno"))

    body = client.get(reverse("events:category", args=["theatre"]), {"category": "techno"}).content.decode()

    assert "Hamlet" in body and "Techno Night" not in body


def test_unknown_category_is_404(client):
    assert client.get(reverse("events:category", args=["nope"])).status_code == 404


@pytest.mark.parametrize("count", [3, 50])
def test_category_query_budget_does_not_grow(client, django_assert_max_num_queries, count):
    make_catalogue(count)

    with django_assert_max_num_queries(5):  # category, count, page, categories, cities
        response = client.get(reverse("events:category", args=["cat-1"]), {"ordering": "popularity"})

    assert response.status_code == 200


# --- detail -------------------------------------------------------------------------------------------


def test_detail_shows_event_facts_in_the_events_time_zone(client):
    starts = datetime(2030, 12, 14, 18, 30, tzinfo=UTC)
    event = EventFactory(
        title="Winter Gala",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3, minutes=30),
        timezone="Europe/Berlin",
        description="First line.\n\nSecond paragraph.",
        venue=VenueFactory(name="Opera House", address="Unter den Linden 7", city="Berlin", postal_code="10117"),
    )
    TicketTypeFactory(event=event, name="Stalls", price=Decimal("49.90"), capacity=100, sold=90)
    TicketTypeFactory(event=event, name="Gallery", price=Decimal("19.00"), capacity=100)

    body = client.get(detail_url(event)).content.decode()

    assert "Sat 14 Dec 2030, 19:30 – 23:00 CET" in body
    assert "Opera House" in body and "Unter den Linden 7" in body
    assert "https://www.openstreetmap.org/search?query=Unter+den+Linden+7%2C+10117+Berlin%2C+DE" in body
    assert "<p>First line.</p>" in body and "<p>Second paragraph.</p>" in body
    assert "€49.90" in body and "10 left" in body and "From €19.00" in body
    assert event.organizer.name in body


def test_detail_multi_day_event_shows_both_dates(client):
    starts = datetime(2030, 7, 12, 8, 0, tzinfo=UTC)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(days=2, hours=12), timezone="Europe/Lisbon")

    body = client.get(detail_url(event)).content.decode()

    assert "Fri 12 Jul 2030, 09:00 – Sun 14 Jul 2030, 21:00 WEST" in body


def test_detail_has_open_graph_share_links_and_calendar(client):
    event = EventFactory(title="Sunset Sessions", summary="Music by the sea.")

    body = client.get(detail_url(event)).content.decode()

    absolute = f"http://testserver{detail_url(event)}"
    assert '<meta property="og:title" content="Sunset Sessions">' in body
    assert f'<meta property="og:url" content="{absolute}">' in body
    assert 'name="twitter:card"' in body
    assert "https://x.com/intent/tweet?" in body and "facebook.com/sharer" in body and "wa.me" in body
    assert "mailto:?subject=Sunset%20Sessions" in body
    assert f'value="{absolute}" readonly' in body
    assert reverse("events:ics", args=[event.slug]) in body


def test_detail_online_event(client):
    event = EventFactory(online=True)

    body = client.get(detail_url(event)).content.decode()

    assert "Online event" in body and "openstreetmap" not in body
    assert "meet.example.com" not in body


def test_detail_ticket_states(client):
    now = timezone.now()
    event = EventFactory()
    TicketTypeFactory(event=event, name="Early", capacity=10, sold=10)
    TicketTypeFactory(event=event, name="Late", sales_start=now + timedelta(days=2))
    TicketTypeFactory(event=event, name="Door", sales_end=now - timedelta(hours=1))

    body = client.get(detail_url(event)).content.decode()

    assert "Sold out" in body and "Sales start" in body and "Sales ended" in body


def test_detail_hidden_ticket_types_need_the_unlock_code(client):
    event = EventFactory()
    TicketTypeFactory(event=event, name="General")
    TicketTypeFactory(event=event, name="Crew pass", is_hidden=True, unlock_code="CREW")

    hidden = client.get(detail_url(event)).content.decode()
    wrong = client.get(detail_url(event, code="guess")).content.decode()
    unlocked = client.get(detail_url(event, code="crew")).content.decode()

    assert "Crew pass" not in hidden and "Have an access code?" in hidden
    assert "Crew pass" not in wrong and "unlock any tickets for this event" in wrong
    assert "Crew pass" in unlocked and "Unlocked with your code" in unlocked


def test_draft_is_404_for_the_public_and_a_preview_for_owner_and_admin(client):
    event = EventFactory(draft=True)

    anonymous = client.get(detail_url(event))
    client.force_login(UserFactory(organizer=True))
    other_organizer = client.get(detail_url(event))
    client.force_login(event.organizer)
    owner = client.get(detail_url(event))
    client.force_login(UserFactory(admin=True))
    admin = client.get(detail_url(event))

    assert anonymous.status_code == 404 and other_organizer.status_code == 404
    assert owner.status_code == 200 and "Preview." in owner.content.decode()
    assert admin.status_code == 200 and "Preview." in admin.content.decode()


def test_unlisted_event_is_reachable_by_link(client):
    event = EventFactory(title="Friends Only", visibility=Event.Visibility.UNLISTED)

    response = client.get(detail_url(event))

    assert response.status_code == 200 and '<meta name="robots" content="noindex">' in response.content.decode()


def test_cancelled_event_shows_a_banner(client):
    event = EventFactory(status=Event.Status.CANCELLED, cancellation_reason="The band is ill.")
    TicketTypeFactory(event=event)

    body = client.get(detail_url(event)).content.decode()

    assert "This event has been cancelled." in body and "The band is ill." in body


def test_ended_event_says_so(client):
    now = timezone.now()
    event = EventFactory(starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=3) + timedelta(hours=2))

    assert "This event has ended." in client.get(detail_url(event)).content.decode()


def test_detail_query_budget(client, django_assert_max_num_queries):
    event = EventFactory()
    TicketTypeFactory.create_batch(6, event=event)
    client.force_login(UserFactory())

    # session, user, event, ticket types, wishlisted?, seat map (none here)
    with django_assert_max_num_queries(6):
        response = client.get(detail_url(event))

    assert response.status_code == 200


def test_seated_event_shows_its_seat_map_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    event = EventFactory()
    stalls = TicketTypeFactory(event=event, name="Stalls", price=Decimal("45.00"))
    seat_map = SeatMap.objects.create(event=event, stage_label="Stage")
    section = SeatSection.objects.create(seat_map=seat_map, name="Stalls", ticket_type=stalls)
    for row_index in range(6):
        row = SeatRow.objects.create(section=section, label="ABCDEF"[row_index], position=row_index)
        Seat.objects.bulk_create(Seat(row=row, number=n + 1, position=n) for n in range(12))

    # event, ticket types, seat map, taken seats, sections, rows, seats
    with django_assert_max_num_queries(7):
        response = client.get(detail_url(event))

    body = response.content.decode()
    assert "Seating plan" in body and "seat-map" in body and "72 seats available" in body


def test_unknown_event_is_404(client):
    assert client.get(reverse("events:detail", args=["missing"])).status_code == 404


# --- calendar file ------------------------------------------------------------------------------------


def test_ics_has_utc_times_location_url_and_description(client):
    starts = datetime(2030, 6, 1, 17, 0, tzinfo=UTC)
    event = EventFactory(
        title="Midsummer Party",
        summary="Dance till late.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=5),
        timezone="Europe/Oslo",
        venue=VenueFactory(name="Harbour Hall", address="Kaia 1", city="Oslo", country="NO"),
    )

    response = client.get(reverse("events:ics", args=[event.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    assert b"DTSTART:20300601T170000Z" in response.content
    assert b"DTEND:20300601T220000Z" in response.content
    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Midsummer Party"
    assert str(entry["LOCATION"]) == "Harbour Hall, Kaia 1, Oslo, NO"
    assert str(entry["URL"]) == f"http://testserver{detail_url(event)}"
    assert "Dance till late." in str(entry["DESCRIPTION"])
    assert str(entry["STATUS"]) == "CONFIRMED"


def test_ics_of_cancelled_event_says_cancelled(client):
    event = EventFactory(status=Event.Status.CANCELLED)

    (entry,) = Calendar.from_ical(client.get(reverse("events:ics", args=[event.slug])).content).walk("VEVENT")

    assert str(entry["STATUS"]) == "CANCELLED"


def test_ics_of_a_draft_is_404(client):
    event = EventFactory(draft=True)

    assert client.get(reverse("events:ics", args=[event.slug])).status_code == 404


# --- wishlist -----------------------------------------------------------------------------------------


def test_wishlist_toggle_anonymous_goes_to_login_and_back(client):
    event = EventFactory()

    response = client.post(toggle_url(event))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?{urlencode({'next': detail_url(event)})}"
    assert not WishlistItem.objects.exists()


def test_wishlist_toggle_anonymous_htmx_redirects_the_page(client):
    event = EventFactory()

    response = client.post(toggle_url(event), headers={"HX-Request": "true"})

    assert response.status_code == 200 and response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_wishlist_toggle_adds_and_removes(client):
    user, event = UserFactory(), EventFactory()
    client.force_login(user)

    client.post(toggle_url(event))
    saved = WishlistItem.objects.filter(user=user, event=event).exists()
    client.post(toggle_url(event))

    assert saved
    assert not WishlistItem.objects.filter(user=user, event=event).exists()


def test_wishlist_toggle_explicit_action_is_idempotent(client):
    user, event = UserFactory(), EventFactory()
    client.force_login(user)

    client.post(toggle_url(event), {"action": "add"})
    response = client.post(toggle_url(event), {"action": "add", "next": LIST_URL})

    assert WishlistItem.objects.filter(user=user, event=event).count() == 1
    assert response["Location"] == LIST_URL


def test_wishlist_toggle_refuses_foreign_next_urls(client):
    client.force_login(UserFactory())
    event = EventFactory()

    response = client.post(toggle_url(event), {"action": "add", "next": "https://evil.example/"})

    assert response["Location"] == detail_url(event)


def test_wishlist_toggle_htmx_returns_the_button(client):
    user, event = UserFactory(), EventFactory()
    client.force_login(user)

    response = client.post(toggle_url(event), {"action": "add", "compact": "1"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'aria-pressed="true"' in body and 'value="remove"' in body and "<html" not in body


def test_wishlist_toggle_is_post_only_and_404_for_drafts(client):
    client.force_login(UserFactory())
    event, draft = EventFactory(), EventFactory(draft=True)

    assert client.get(toggle_url(event)).status_code == 405
    assert client.post(toggle_url(draft)).status_code == 404


def test_wishlist_cannot_add_a_cancelled_event(client):
    user = UserFactory()
    client.force_login(user)
    event = EventFactory(status=Event.Status.CANCELLED)

    client.post(toggle_url(event), {"action": "add"})

    assert not WishlistItem.objects.exists()


def test_wishlist_page_requires_login(client):
    response = client.get(reverse("events:wishlist"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_wishlist_page_lists_saved_events_with_remove_buttons(client):
    user = UserFactory()
    saved = EventFactory(title="Saved Show")
    EventFactory(title="Other Show")
    WishlistItem.objects.create(user=user, event=saved)
    client.force_login(user)

    body = client.get(reverse("events:wishlist")).content.decode()

    assert "Saved Show" in body and "Other Show" not in body
    assert 'name="action" value="remove"' in body
    assert f'name="next" value="{reverse("events:wishlist")}"' in body


def test_wishlist_page_empty_state(client):
    client.force_login(UserFactory())

    assert "Nothing saved yet" in client.get(reverse("events:wishlist")).content.decode()


def test_wishlist_page_shows_saved_state_on_cards_elsewhere(client):
    user = UserFactory()
    event = EventFactory()
    WishlistItem.objects.create(user=user, event=event)
    client.force_login(user)

    body = client.get(LIST_URL).content.decode()

    assert 'aria-pressed="true"' in body


@pytest.mark.parametrize("count", [3, 50])
def test_wishlist_page_query_budget(client, django_assert_max_num_queries, count):
    user = UserFactory()
    for event in make_catalogue(count):
        WishlistItem.objects.create(user=user, event=event)
    client.force_login(user)

    with django_assert_max_num_queries(4):  # session, user, count, page
        response = client.get(reverse("events:wishlist"))

    assert response.status_code == 200
