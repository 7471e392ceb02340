"""EventFilter: every parameter, combinations, search on SQLite and PostgreSQL, ordering, bad input."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.filters import EventFilter
from events.models import Event
from events.tests.factories import CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search only")


def run(query: str = "", queryset=None) -> list[Event]:
    filterset = EventFilter(QueryDict(query), queryset=queryset if queryset is not None else Event.objects.all())
    return list(filterset.qs)


def slugs(query: str = "") -> list[str]:
    return [event.slug for event in run(query)]


def errors(query: str) -> dict:
    filterset = EventFilter(QueryDict(query), queryset=Event.objects.all())
    filterset.is_valid()
    return filterset.errors


def priced(slug: str, *prices: str, **attrs) -> Event:
    event = EventFactory(slug=slug, **attrs)
    for price in prices:
        TicketTypeFactory(event=event, price=Decimal(price))
    return event


# --- filters one by one -----------------------------------------------------------------------------


def test_no_parameters_returns_everything_by_date():
    later = EventFactory(slug="later", starts_at=timezone.now() + timedelta(days=9))
    sooner = EventFactory(slug="sooner", starts_at=timezone.now() + timedelta(days=2))

    assert run() == [sooner, later]


def test_category_by_slug():
    EventFactory(slug="gig", category=CategoryFactory(slug="music"))
    EventFactory(slug="talk", category=CategoryFactory(slug="talks"))

    assert slugs("category=music") == ["gig"]
    assert slugs("category=unknown") == []


def test_city_is_case_insensitive():
    EventFactory(slug="berlin", venue=VenueFactory(city="Berlin"))
    EventFactory(slug="lisbon", venue=VenueFactory(city="Lisbon"))

    assert slugs("city=berlin") == ["berlin"]


def test_date_range_uses_each_events_local_day():
    # 23:30 UTC on 11 Dec is already 12 Dec in Berlin (UTC+1) but still 11 Dec in New York.
    moment = datetime(2030, 12, 11, 23, 30, tzinfo=UTC)
    EventFactory(slug="berlin", starts_at=moment, ends_at=moment + timedelta(hours=2), timezone="Europe/Berlin")
    EventFactory(slug="new-york", starts_at=moment, ends_at=moment + timedelta(hours=2), timezone="America/New_York")

    assert slugs("date_from=2030-12-12&date_to=2030-12-12") == ["berlin"]
    assert slugs("date_from=2030-12-11&date_to=2030-12-11") == ["new-york"]


def test_date_from_keeps_events_still_running_that_day():
    start = datetime(2030, 7, 10, 10, 0, tzinfo=UTC)
    EventFactory(slug="festival", starts_at=start, ends_at=start + timedelta(days=3))
    EventFactory(slug="before", starts_at=start, ends_at=start + timedelta(hours=3))

    assert slugs("date_from=2030-07-12") == ["festival"]


def test_date_to_is_inclusive():
    start = datetime(2030, 7, 10, 18, 0, tzinfo=UTC)
    EventFactory(slug="on-the-day", starts_at=start, ends_at=start + timedelta(hours=2))
    EventFactory(slug="next-day", starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=2))

    assert slugs("date_to=2030-07-10") == ["on-the-day"]


def test_price_range_uses_the_lowest_visible_price():
    priced("cheap", "10.00", "90.00")
    priced("mid", "40.00")
    priced("dear", "120.00")
    hidden_cheap = priced("hidden-cheap", "80.00")
    TicketTypeFactory(event=hidden_cheap, price=Decimal("1.00"), is_hidden=True, unlock_code="X")
    EventFactory(slug="no-tickets")

    assert slugs("price_min=20&price_max=100") == ["mid", "hidden-cheap"]
    assert slugs("price_max=10") == ["cheap"]
    assert slugs("price_min=100") == ["dear"]


def test_free_true_and_false():
    priced("free", "0.00")
    priced("free-and-donation", "0.00", "10.00")
    priced("paid", "15.00")

    assert slugs("free=true") == ["free", "free-and-donation"]
    assert slugs("free=false") == ["paid"]
    assert slugs("free=1") == ["free", "free-and-donation"]


def test_available_true_and_false():
    event = EventFactory(slug="open")
    TicketTypeFactory(event=event, capacity=10, sold=9)
    sold_out = EventFactory(slug="sold-out")
    TicketTypeFactory(event=sold_out, capacity=10, sold=10)

    assert slugs("available=true") == ["open"]
    assert slugs("available=false") == ["sold-out"]


def test_online_true_and_false():
    EventFactory(slug="stream", online=True)
    EventFactory(slug="venue")

    assert slugs("online=true") == ["stream"]
    assert slugs("online=false") == ["venue"]


def test_ordering_by_date_price_and_popularity():
    now = timezone.now()
    a = priced("a", "30.00", starts_at=now + timedelta(days=1))
    b = priced("b", "10.00", starts_at=now + timedelta(days=2))
    c = priced("c", "20.00", starts_at=now + timedelta(days=3))
    d = EventFactory(slug="d", starts_at=now + timedelta(days=4))
    TicketTypeFactory(event=b, sold=5)
    TicketTypeFactory(event=c, sold=50)

    assert slugs("ordering=date") == ["a", "b", "c", "d"]
    assert slugs("ordering=-date") == ["d", "c", "b", "a"]
    assert slugs("ordering=price") == ["b", "c", "a", "d"]
    assert slugs("ordering=-price") == ["a", "c", "b", "d"]
    assert slugs("ordering=popularity")[:2] == ["c", "b"]
    assert {a, d} == set(run("ordering=popularity")[2:])


def test_combined_filters():
    music = CategoryFactory(slug="music")
    match = priced("match", "0.00", category=music, venue=VenueFactory(city="Berlin"))
    TicketTypeFactory(event=match, capacity=5)
    priced("paid", "25.00", category=music, venue=VenueFactory(city="Berlin"))
    priced("elsewhere", "0.00", category=music, venue=VenueFactory(city="Paris"))
    priced("other-category", "0.00", venue=VenueFactory(city="Berlin"))

    assert slugs("category=music&city=Berlin&free=true&available=true&online=false&ordering=-date") == ["match"]


def test_filtering_an_events_public_queryset_keeps_its_annotations():
    from events.selectors.public import events_public

    priced("listed", "12.00")

    (event,) = run("price_max=20", queryset=events_public(now=timezone.now(), viewer=UserFactory()))

    assert event.price_from == Decimal("12.00") and event.is_saved is False


# --- search on every database -----------------------------------------------------------------------


@pytest.fixture
def searchable():
    organizer = UserFactory(organizer=True, name="Nordlicht Concerts")
    return {
        "jazz": EventFactory(
            slug="jazz",
            title="Late Night Jazz",
            organizer=organizer,
            venue=VenueFactory(name="Blue Cellar", city="Berlin", organizer=organizer),
        ),
        "rust": EventFactory(
            slug="rust",
            title="RustConf Europe",
            summary="Talks about systems programming",
            venue=VenueFactory(name="Congress Hall", city="Lisbon"),
        ),
        "quiz": EventFactory(
            slug="quiz",
            title="Pub Quiz",
            description="Music rounds, including a jazz special.",
            venue=VenueFactory(name="The Anchor", city="Berlin"),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RustConf", {"rust"}),  # title
        ("programming", {"rust"}),  # summary
        ("cellar", {"jazz"}),  # venue name
        ("lisbon", {"rust"}),  # city
        ("nordlicht", {"jazz"}),  # organizer
        ("jazz", {"jazz", "quiz"}),  # title and description
        ("jazz berlin", {"jazz", "quiz"}),  # every word, in any field
        ("jazz lisbon", set()),
        ("nothing-like-this", set()),
    ],
)
def test_search_matches_every_word_across_fields(searchable, query, expected):
    assert set(slugs(f"search={query}")) == expected


def test_search_is_case_insensitive(searchable):
    assert slugs("search=LATE NIGHT") == ["jazz"]


def test_search_combines_with_filters_and_explicit_ordering(searchable):
    expected = sorted(["jazz", "quiz"], key=lambda slug: (searchable[slug].starts_at, searchable[slug].pk))

    assert slugs("search=jazz&city=berlin&ordering=date") == expected
    assert slugs("search=jazz&city=lisbon") == []


@on_postgresql
def test_search_ranks_title_matches_above_description_matches(searchable):
    searchable["jazz"].starts_at = timezone.now() + timedelta(days=30)
    searchable["jazz"].ends_at = searchable["jazz"].starts_at + timedelta(hours=2)
    searchable["jazz"].save()

    assert slugs("search=jazz") == ["jazz", "quiz"]


@on_postgresql
def test_search_understands_websearch_syntax(searchable):
    assert slugs("search=jazz -quiz") == ["jazz"]
    assert set(slugs("search=rustconf or cellar")) == {"rust", "jazz"}


@on_postgresql
def test_search_finds_stemmed_words(searchable):
    assert slugs("search=program") == ["rust"]


@on_postgresql
def test_search_matches_part_of_a_title_word(searchable):
    assert slugs("search=Rust") == ["rust"]


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("price_min=-5", "price_min"),
        ("price_max=abc", "price_max"),
        ("date_from=notadate", "date_from"),
        ("date_to=2030-02-31", "date_to"),
        ("date_from=0001-01-01", "date_from"),
        ("date_to=9999-12-31", "date_to"),
        ("ordering=title", "ordering"),
        ("search=" + "x" * 201, "search"),
    ],
)
def test_bad_values_are_reported_and_ignored(query, field):
    EventFactory(slug="still-here")

    assert field in errors(query)
    assert slugs(query) == ["still-here"]


def test_a_reversed_date_range_ignores_the_end_date():
    start = datetime(2030, 5, 12, 18, 0, tzinfo=UTC)
    EventFactory(slug="may-12", starts_at=start, ends_at=start + timedelta(hours=2))

    assert "date_to" in errors("date_from=2030-05-10&date_to=2030-05-01")
    assert slugs("date_from=2030-05-10&date_to=2030-05-01") == ["may-12"]


def test_a_reversed_price_range_ignores_the_maximum():
    priced("sixty", "60.00")

    assert "price_max" in errors("price_min=50&price_max=10")
    assert slugs("price_min=50&price_max=10") == ["sixty"]


def test_unknown_boolean_values_are_ignored():
    EventFactory(slug="still-here", online=True)

    assert slugs("online=maybe&free=perhaps&available=") == ["still-here"]
