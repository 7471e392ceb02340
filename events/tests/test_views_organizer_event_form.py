"""The organizer's event form through its URLs: create and edit, time zones, venues, covers, refund tiers."""

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from events.models import Event, Venue
from events.tests.factories import CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory
from events.tests.helpers_organizer_pages import event_post, page_toasts, url

pytestmark = pytest.mark.django_db


def image_upload(name="cover.png", image_format="PNG", size=(64, 36)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#4f46e5").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.fixture
def organizer(organizer, client):
    """The organizer of conftest, signed in: every test here browses the dashboard as them."""
    client.force_login(organizer)
    return organizer


# --- Create and edit ----------------------------------------------------------------------------------


def test_event_create_saves_a_draft_with_times_in_the_chosen_zone(client, organizer):
    category = CategoryFactory()

    response = client.post(url("event_create"), event_post(category, timezone="Europe/Berlin"))

    event = Event.objects.get()
    assert response.status_code == 302 and response.url == url("event_tickets", event.pk)
    assert (event.organizer, event.status, event.venue) == (organizer, Event.Status.DRAFT, None)
    assert event.starts_at == datetime(2031, 6, 12, 17, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2031, 6, 12, 21, 0, tzinfo=UTC)
    assert "Your draft is saved" in " ".join(page_toasts(client, response))


def test_event_create_with_the_same_wall_clock_in_another_zone_is_another_moment(client, organizer):
    client.post(url("event_create"), event_post(CategoryFactory(), timezone="Asia/Tokyo"))

    assert Event.objects.get().starts_at == datetime(2031, 6, 12, 10, 30, tzinfo=UTC)


def test_event_create_with_a_new_venue_creates_it_for_me(client, organizer):
    data = event_post(
        CategoryFactory(),
        online_url="",
        **{
            "venue-name": "Docks",
            "venue-address": "Quay 1",
            "venue-city": "Hamburg",
            "venue-postal_code": "20457",
            "venue-country": "de",
        },
    )

    client.post(url("event_create"), data)

    event = Event.objects.get()
    assert (event.venue.name, event.venue.country, event.venue.organizer) == ("Docks", "DE", organizer)


def test_event_create_with_one_of_my_venues(client, organizer):
    venue = VenueFactory(organizer=organizer)

    client.post(url("event_create"), event_post(CategoryFactory(), venue=venue.pk, online_url=""))

    assert Event.objects.get().venue == venue


def test_event_create_cannot_use_another_organizer_s_venue(client, organizer):
    foreign = VenueFactory()

    response = client.post(url("event_create"), event_post(CategoryFactory(), venue=foreign.pk, online_url=""))

    assert response.status_code == 200 and response.context["form"].errors["venue"]
    assert not Event.objects.exists()


def test_event_create_without_a_place_asks_for_one(client, organizer):
    response = client.post(url("event_create"), event_post(CategoryFactory(), online_url=""))

    assert "Choose a venue" in response.context["form"].errors["venue"][0]
    assert not Event.objects.exists()


def test_event_create_with_a_half_typed_new_venue_shows_its_errors(client, organizer):
    data = event_post(CategoryFactory(), online_url="", **{"venue-name": "Docks", "venue-country": "Germany"})

    response = client.post(url("event_create"), data)

    venue_errors = response.context["venue_form"].errors
    assert {"address", "city", "country"} <= venue_errors.keys()
    assert not Event.objects.exists() and not Venue.objects.exists()


def test_event_create_end_before_start_shows_the_error_next_to_the_end(client, organizer):
    data = event_post(CategoryFactory(), ends_at="2031-06-12T18:00")

    response = client.post(url("event_create"), data)

    assert response.context["form"].errors["ends_at"] == ["The end must be after the start."]
    assert 'id="id_ends_at_error"' in response.content.decode()
    assert not Event.objects.exists()


def test_event_create_with_a_start_in_the_past_is_refused(client, organizer):
    data = event_post(CategoryFactory(), starts_at="2020-01-01T10:00", ends_at="2020-01-01T12:00")

    response = client.post(url("event_create"), data)

    assert "in the past" in response.context["form"].errors["starts_at"][0]
    assert not Event.objects.exists()


def test_event_create_at_a_time_the_clocks_skip_is_refused(client, organizer):
    data = event_post(CategoryFactory(), starts_at="2031-03-30T02:30", ends_at="2031-03-30T05:00")

    response = client.post(url("event_create"), data)

    assert "does not exist in Europe/Berlin" in response.context["form"].errors["starts_at"][0]


def test_event_create_with_an_unknown_time_zone_is_refused(client, organizer):
    response = client.post(url("event_create"), event_post(CategoryFactory(), timezone="Mars/Olympus"))

    assert response.context["form"].errors["timezone"]
    assert not Event.objects.exists()


def test_event_create_stores_a_cover_image(client, organizer):
    data = event_post(CategoryFactory(), cover=image_upload("poster.webp", "WEBP"))

    client.post(url("event_create"), data)

    assert Event.objects.get().cover.name.endswith(".webp")


def test_event_edit_replaces_or_removes_the_cover(client, organizer):
    event = EventFactory(organizer=organizer, online=True, venue=None)
    client.post(url("event_edit", event.pk), event_post(event.category, cover=image_upload("first.png")))
    event.refresh_from_db()
    first = event.cover.name

    client.post(url("event_edit", event.pk), event_post(event.category, remove_cover="on"))

    event.refresh_from_db()
    assert first.endswith(".png") and not event.cover


def test_event_create_with_a_20_mb_cover_shows_a_clear_error_and_saves_nothing(client, organizer):
    huge = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024), content_type="image/jpeg")

    response = client.post(url("event_create"), event_post(CategoryFactory(), cover=huge))

    assert response.context["form"].errors["cover"] == ["The image is 20.0 MB; the limit is 5 MB."]
    assert 'id="id_cover_error"' in response.content.decode()
    assert not Event.objects.exists()


def test_event_create_with_a_file_that_is_not_an_image_is_refused(client, organizer):
    fake = SimpleUploadedFile("cover.png", b"%PDF-1.4 not a picture", content_type="image/png")

    response = client.post(url("event_create"), event_post(CategoryFactory(), cover=fake))

    assert "not an image we can use" in response.context["form"].errors["cover"][0]
    assert not Event.objects.exists()


def test_event_create_with_a_gif_cover_is_refused(client, organizer):
    response = client.post(url("event_create"), event_post(CategoryFactory(), cover=image_upload("a.gif", "GIF")))

    assert "JPEG, PNG or WebP" in response.context["form"].errors["cover"][0]


def test_event_create_stores_refund_tiers_sorted_by_notice(client, organizer):
    data = event_post(
        CategoryFactory(),
        refund_fee="2.50",
        **{
            "refund-0-percent": "50",
            "refund-0-hours_before": "48",
            "refund-1-percent": "100",
            "refund-1-hours_before": "168",
        },
    )

    client.post(url("event_create"), data)

    event = Event.objects.get()
    assert event.refund_policy == [{"hours_before": 168, "percent": 100}, {"hours_before": 48, "percent": 50}]
    assert event.refund_fee == Decimal("2.50")


@pytest.mark.parametrize(
    ("tier", "field", "message"),
    [
        ({"refund-0-percent": "120", "refund-0-hours_before": "48"}, "percent", "less than or equal to 100"),
        ({"refund-0-percent": "-5", "refund-0-hours_before": "48"}, "percent", "greater than or equal to 0"),
        ({"refund-0-percent": "50", "refund-0-hours_before": "-1"}, "hours_before", "greater than or equal to 0"),
        ({"refund-0-percent": "50", "refund-0-hours_before": ""}, "hours_before", "how many hours"),
    ],
)
def test_event_create_with_a_bad_refund_tier_shows_the_error_in_its_row(client, organizer, tier, field, message):
    response = client.post(url("event_create"), event_post(CategoryFactory(), **tier))

    errors = response.context["refund_tiers"].forms[0].errors
    assert message in errors[field][0]
    assert not Event.objects.exists()


def test_event_create_with_two_tiers_at_the_same_hour_is_refused(client, organizer):
    tiers = {
        "refund-0-percent": "100",
        "refund-0-hours_before": "48",
        "refund-1-percent": "50",
        "refund-1-hours_before": "48",
    }

    response = client.post(url("event_create"), event_post(CategoryFactory(), **tiers))

    assert "same number of hours" in response.context["refund_tiers"].non_form_errors()[0]
    assert not Event.objects.exists()


def test_event_create_with_a_negative_refund_fee_is_refused(client, organizer):
    response = client.post(url("event_create"), event_post(CategoryFactory(), refund_fee="-1"))

    assert response.context["form"].errors["refund_fee"]


def test_event_edit_shows_the_stored_times_in_the_event_zone(client, organizer):
    event = EventFactory(
        organizer=organizer,
        timezone="Asia/Tokyo",
        starts_at=datetime(2031, 6, 12, 10, 30, tzinfo=UTC),
        ends_at=datetime(2031, 6, 12, 14, 0, tzinfo=UTC),
        refund_policy=[{"hours_before": 72, "percent": 80}],
    )

    body = client.get(url("event_edit", event.pk)).content.decode()

    assert 'value="2031-06-12T19:30"' in body and 'value="2031-06-12T23:00"' in body
    assert 'name="refund-0-percent" value="80"' in body


def test_event_edit_saves_the_changes(client, organizer):
    event = EventFactory(organizer=organizer, online=True, venue=None)

    response = client.post(url("event_edit", event.pk), event_post(event.category, title="Renamed"))

    event.refresh_from_db()
    assert response.status_code == 302 and event.title == "Renamed"
    assert "Your changes are saved." in page_toasts(client, response)


def test_event_edit_can_remove_every_refund_tier(client, organizer):
    event = EventFactory(
        organizer=organizer, online=True, venue=None, refund_policy=[{"hours_before": 1, "percent": 5}]
    )
    data = event_post(event.category, **{"refund-INITIAL_FORMS": "1"})

    client.post(url("event_edit", event.pk), data)

    event.refresh_from_db()
    assert event.refund_policy == []


def test_event_edit_keeps_a_start_already_in_the_past(client, organizer):
    now = timezone.now()
    event = EventFactory(
        organizer=organizer, online=True, venue=None, timezone="UTC", starts_at=now - timedelta(hours=1)
    )
    local = event.starts_at.strftime("%Y-%m-%dT%H:%M")
    data = event_post(event.category, timezone="UTC", starts_at=local, ends_at="2031-01-01T00:00", title="Live now")
    event.starts_at = event.starts_at.replace(second=0, microsecond=0)
    event.save()

    response = client.post(url("event_edit", event.pk), data)

    event.refresh_from_db()
    assert response.status_code == 302 and event.title == "Live now"


def test_event_edit_currency_of_a_sold_event_is_refused_next_to_the_field(client, organizer):
    event = EventFactory(organizer=organizer, online=True, venue=None)
    TicketTypeFactory(event=event, sold=1)

    response = client.post(url("event_edit", event.pk), event_post(event.category, currency="USD"))

    event.refresh_from_db()
    assert "currency can no longer change" in response.context["form"].errors["currency"][0]
    assert event.currency == "EUR"


def test_event_edit_with_errors_keeps_the_stored_title_in_the_header(client, organizer):
    event = EventFactory(organizer=organizer, title="Stored title")

    response = client.post(url("event_edit", event.pk), event_post(event.category, title="New", ends_at="2031-01-01"))

    assert response.context["event"].title == "Stored title"
