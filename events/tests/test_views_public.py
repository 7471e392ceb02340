"""Public catalogue pages through their URLs: home, list and category pages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Event
from events.tests.factories import CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory
from events.tests.helpers_public_pages import LIST_URL, make_catalogue

pytestmark = pytest.mark.django_db


HOME_URL = reverse("core:home")


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
