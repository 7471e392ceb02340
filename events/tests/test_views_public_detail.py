"""The public event page and its calendar file, through their URLs."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.tests.factories import UserFactory
from events.models import Event, Seat, SeatMap, SeatRow, SeatSection
from events.tests.factories import EventFactory, TicketTypeFactory, VenueFactory
from events.tests.helpers_public_pages import detail_url

pytestmark = pytest.mark.django_db


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
