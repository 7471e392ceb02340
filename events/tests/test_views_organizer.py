"""The organizer dashboard pages, through their URLs: forms, errors, toasts, permissions and query budgets."""

import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import UserFactory
from events.models import CapacityPool, Event, EventStaff, TicketType, Venue
from events.tests.factories import CapacityPoolFactory, CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(client):
    user = UserFactory(organizer=True)
    client.force_login(user)
    return user


def url(name: str, *args) -> str:
    return reverse(f"organizer:{name}", args=args)


def toasts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def page_toasts(client, response) -> list[str]:
    """The toasts shown on the page a POST redirected to."""
    return toasts(client.get(response.url))


def event_post(category, **overrides) -> dict:
    """A valid event form submission: an online event on 12 June 2031, 19:30–23:00 Berlin time."""
    data = {
        "title": "Jazz by the River",
        "summary": "Open-air jazz.",
        "description": "Bring a blanket.",
        "category": category.pk,
        "venue": "",
        "online_url": "https://meet.example.com/jazz",
        "starts_at": "2031-06-12T19:30",
        "ends_at": "2031-06-12T23:00",
        "timezone": "Europe/Berlin",
        "visibility": "public",
        "currency": "EUR",
        "max_tickets_per_order": "10",
        "max_tickets_per_user": "",
        "refund_fee": "0",
        "refund-TOTAL_FORMS": "3",
        "refund-INITIAL_FORMS": "0",
        "refund-MIN_NUM_FORMS": "0",
        "refund-MAX_NUM_FORMS": "1000",
    }
    for index in range(3):
        data[f"refund-{index}-percent"] = ""
        data[f"refund-{index}-hours_before"] = ""
    for name in ("name", "address", "city", "postal_code", "country"):
        data[f"venue-{name}"] = ""
    data.update(overrides)
    return data


def ticket_type_post(**overrides) -> dict:
    return {
        "name": "Standard",
        "description": "",
        "price": "25.00",
        "capacity": "100",
        "pool": "",
        "sales_start": "",
        "sales_end": "",
        "min_per_order": "1",
        "max_per_order": "10",
        "unlock_code": "",
        **overrides,
    }


def image_upload(name="cover.png", image_format="PNG", size=(64, 36)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#4f46e5").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def snapshot() -> tuple:
    """Everything the dashboard can change, to prove a refused request changed nothing."""
    return tuple(
        list(model.objects.order_by("pk").values()) for model in (Event, TicketType, CapacityPool, EventStaff, Venue)
    )


# --- My events ---------------------------------------------------------------------------------------


def test_event_list_shows_my_events_with_status_and_sales(client, organizer):
    mine = EventFactory(organizer=organizer, title="Jazz by the River")
    TicketTypeFactory(event=mine, capacity=80, sold=20)
    TicketTypeFactory(event=mine, capacity=20, sold=5)
    EventFactory(title="Someone else's party")

    response = client.get(url("event_list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Jazz by the River" in body and "Someone else" not in body
    assert '<progress class="eh-progress sales__bar" value="25" max="100"' in body
    assert "event-status--published" in body


def test_event_list_shows_times_in_each_event_time_zone(client, organizer):
    EventFactory(
        organizer=organizer,
        timezone="America/New_York",
        starts_at=datetime(2031, 1, 15, 1, 0, tzinfo=UTC),
        ends_at=datetime(2031, 1, 15, 3, 0, tzinfo=UTC),
    )

    body = client.get(url("event_list")).content.decode()

    assert "Tue 14 Jan 2031, 20:00 – 22:00 EST" in body


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("all", {"Draft", "On sale", "Cancelled", "Over"}),
        ("draft", {"Draft"}),
        ("published", {"On sale"}),
        ("cancelled", {"Cancelled"}),
        ("past", {"Over"}),
    ],
)
def test_event_list_filters_by_status_tab(client, organizer, tab, expected):
    now = timezone.now()
    EventFactory(organizer=organizer, title="Draft", draft=True)
    EventFactory(organizer=organizer, title="On sale")
    EventFactory(organizer=organizer, title="Cancelled", status=Event.Status.CANCELLED)
    EventFactory(organizer=organizer, title="Over", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))

    response = client.get(url("event_list"), {"tab": tab})

    assert {event.title for event in response.context["events"]} == expected
    assert {key: count for key, _label, count in response.context["tabs"]}[tab] == len(expected)


def test_event_list_empty_state_invites_to_create(client, organizer):
    body = client.get(url("event_list")).content.decode()

    assert "You have no events yet" in body and url("event_create") in body


def test_event_list_for_an_admin_shows_everyone_s_events(client):
    EventFactory(title="Organizer A's gig")
    client.force_login(UserFactory(admin=True))

    body = client.get(url("event_list")).content.decode()

    assert "Organizer A&#x27;s gig" in body


@pytest.mark.parametrize("count", [3, 50])
def test_event_list_query_count_does_not_grow(client, organizer, django_assert_max_num_queries, count):
    venue = VenueFactory(organizer=organizer)
    for event in EventFactory.create_batch(count, organizer=organizer, venue=venue):
        TicketTypeFactory(event=event, sold=3)

    with django_assert_max_num_queries(6):
        response = client.get(url("event_list"))

    assert response.status_code == 200 and len(response.context["events"]) == min(count, 20)


def test_event_list_htmx_tab_switch_renders_the_list(client, organizer):
    EventFactory(organizer=organizer, title="Draft", draft=True)

    response = client.get(url("event_list"), {"tab": "draft"}, headers={"HX-Request": "true"})

    assert response.status_code == 200 and 'id="event-list"' in response.content.decode()


def test_dashboard_pages_are_hidden_from_attendees_and_ask_visitors_to_sign_in(client):
    anonymous = client.get(url("event_list"))
    client.force_login(UserFactory())
    attendee = client.get(url("event_list"))

    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous.url
    assert attendee.status_code == 404


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


# --- Overview and actions ------------------------------------------------------------------------------


def test_overview_shows_status_sales_and_actions(client, organizer):
    event = EventFactory(organizer=organizer, draft=True)
    TicketTypeFactory(event=event, name="Early bird", capacity=40, sold=0)

    body = client.get(url("event_detail", event.pk)).content.decode()

    assert "Early bird" in body and "event-status--draft" in body
    assert url("event_publish", event.pk) in body and url("event_unpublish", event.pk) not in body


def test_overview_links_a_published_event_to_its_public_page(client, organizer):
    event = EventFactory(organizer=organizer, slug="jazz-night")

    body = client.get(url("event_detail", event.pk)).content.decode()

    assert 'href="/events/jazz-night/"' in body


def test_overview_links_the_seat_map_editor_for_in_person_events_only(client, organizer):
    in_person = EventFactory(organizer=organizer)
    online = EventFactory(organizer=organizer, online=True, venue=None)
    try:
        seat_map_url = reverse("seat_maps:edit", args=[in_person.pk])
    except NoReverseMatch:
        pytest.skip("The seat map editor is not routed yet.")

    in_person_body = client.get(url("event_detail", in_person.pk)).content.decode()
    online_body = client.get(url("event_detail", online.pk)).content.decode()

    assert seat_map_url in in_person_body
    assert reverse("seat_maps:edit", args=[online.pk]) not in online_body


def test_publish_puts_the_event_on_sale_with_a_toast(client, organizer):
    event = EventFactory(organizer=organizer, draft=True)
    TicketTypeFactory(event=event)

    response = client.post(url("event_publish", event.pk))

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert "Your event is published and on sale." in page_toasts(client, response)


def test_publish_without_ticket_types_shows_why_and_stays_a_draft(client, organizer):
    event = EventFactory(organizer=organizer, draft=True)

    response = client.post(url("event_publish", event.pk), follow=True)

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert "Add at least one ticket type before publishing." in toasts(response)


def test_unpublish_with_sold_tickets_is_refused_with_a_toast(client, organizer):
    event = EventFactory(organizer=organizer)
    TicketTypeFactory(event=event, sold=2)

    response = client.post(url("event_unpublish", event.pk), follow=True)

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert any("Cancel it instead" in message for message in toasts(response))


def test_unpublish_returns_an_unsold_event_to_draft(client, organizer):
    event = EventFactory(organizer=organizer)

    client.post(url("event_unpublish", event.pk))

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_duplicate_opens_the_copy_for_editing(client, organizer):
    event = EventFactory(organizer=organizer, title="Gala")
    TicketTypeFactory(event=event, sold=5)

    response = client.post(url("event_duplicate", event.pk))

    copy = Event.objects.exclude(pk=event.pk).get()
    assert response.url == url("event_edit", copy.pk)
    assert (copy.title, copy.status) == ("Gala (copy)", Event.Status.DRAFT)
    assert copy.ticket_types.get().sold == 0


def test_cancel_asks_for_a_reason_and_a_confirmation(client, organizer):
    event = EventFactory(organizer=organizer)

    response = client.post(url("event_cancel", event.pk), {"reason": ""})

    event.refresh_from_db()
    assert response.status_code == 200
    assert {"reason", "confirm"} <= response.context["form"].errors.keys()
    assert event.status == Event.Status.PUBLISHED


def test_cancel_with_a_reason_cancels_the_event(client, organizer):
    event = EventFactory(organizer=organizer)
    TicketTypeFactory(event=event, sold=3)

    response = client.post(url("event_cancel", event.pk), {"reason": "Storm warning.", "confirm": "on"})

    event.refresh_from_db()
    assert (event.status, event.cancellation_reason) == (Event.Status.CANCELLED, "Storm warning.")
    assert any("cancelled" in message for message in page_toasts(client, response))


def test_cancel_page_says_how_many_buyers_are_affected(client, organizer):
    event = EventFactory(organizer=organizer)
    TicketTypeFactory(event=event, sold=3)

    body = client.get(url("event_cancel", event.pk)).content.decode()

    assert "3 tickets have been sold" in body


def test_delete_removes_an_unsold_event(client, organizer):
    event = EventFactory(organizer=organizer, title="Mistake")

    response = client.post(url("event_delete", event.pk))

    assert response.url == url("event_list")
    assert not Event.objects.filter(pk=event.pk).exists()
    assert "“Mistake” is deleted." in page_toasts(client, response)


def test_delete_with_sold_tickets_is_refused_with_the_reason(client, organizer):
    event = EventFactory(organizer=organizer)
    TicketTypeFactory(event=event, sold=1)

    response = client.post(url("event_delete", event.pk), follow=True)

    assert Event.objects.filter(pk=event.pk).exists()
    assert any("cannot be deleted" in message for message in toasts(response))


def test_delete_page_of_a_sold_event_offers_no_delete_button(client, organizer):
    event = EventFactory(organizer=organizer)
    TicketTypeFactory(event=event, sold=1, held=1)

    body = client.get(url("event_delete", event.pk)).content.decode()

    assert "2 tickets are sold or reserved" in body and "Delete for good" not in body


# --- Ticket types and shared capacity ----------------------------------------------------------------------


def test_ticket_type_create_converts_the_sales_window_from_the_event_zone(client, organizer):
    event = EventFactory(organizer=organizer, draft=True, timezone="Europe/London")
    data = ticket_type_post(sales_start="2031-01-10T09:00", sales_end="2031-02-01T18:00")

    response = client.post(url("ticket_type_create", event.pk), data)

    ticket_type = TicketType.objects.get()
    assert response.url == url("event_tickets", event.pk)
    assert (ticket_type.event, ticket_type.price, ticket_type.capacity) == (event, Decimal("25.00"), 100)
    assert ticket_type.sales_start == datetime(2031, 1, 10, 9, 0, tzinfo=UTC)
    assert "“Standard” is saved." in page_toasts(client, response)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price": "-1"}, "price", "The price cannot be negative."),
        ({"min_per_order": "5", "max_per_order": "2"}, "max_per_order", "cannot be below the minimum"),
        ({"sales_start": "2031-02-01T10:00", "sales_end": "2031-01-01T10:00"}, "sales_end", "end after they start"),
        ({"is_hidden": "on", "unlock_code": ""}, "unlock_code", "needs an unlock code"),
        ({"capacity": "-3"}, "capacity", "greater than or equal to 0"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_ticket_type_create_with_bad_input_shows_the_error_and_creates_nothing(
    client, organizer, overrides, field, message
):
    event = EventFactory(organizer=organizer, draft=True)

    response = client.post(url("ticket_type_create", event.pk), ticket_type_post(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["ticket_type_form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not TicketType.objects.exists()


def test_ticket_type_edit_page_prefills_the_form_in_the_event_zone(client, organizer):
    event = EventFactory(organizer=organizer, timezone="Europe/Berlin")
    ticket_type = TicketTypeFactory(
        event=event, name="VIP", sales_start=datetime(2031, 1, 10, 9, 0, tzinfo=UTC), is_hidden=True, unlock_code="VIP"
    )

    body = client.get(url("ticket_type_edit", event.pk, ticket_type.pk)).content.decode()

    assert "Edit “VIP”" in body and 'value="2031-01-10T10:00"' in body


def test_ticket_type_edit_saves_the_changes(client, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = TicketTypeFactory(event=event, sold=10)

    response = client.post(
        url("ticket_type_edit", event.pk, ticket_type.pk), ticket_type_post(name="Standing", capacity="10")
    )

    ticket_type.refresh_from_db()
    assert response.status_code == 302 and (ticket_type.name, ticket_type.capacity) == ("Standing", 10)


def test_ticket_type_edit_capacity_below_sold_and_held_is_refused_next_to_capacity(client, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = TicketTypeFactory(event=event, capacity=50, sold=30, held=5)

    response = client.post(url("ticket_type_edit", event.pk, ticket_type.pk), ticket_type_post(capacity="34"))

    ticket_type.refresh_from_db()
    assert "35 tickets are sold or reserved" in response.context["ticket_type_form"].errors["capacity"][0]
    assert ticket_type.capacity == 50


def test_ticket_type_of_another_event_of_mine_is_not_editable_through_this_one(client, organizer):
    event, other = EventFactory(organizer=organizer), EventFactory(organizer=organizer)
    ticket_type = TicketTypeFactory(event=other)

    response = client.get(url("ticket_type_edit", event.pk, ticket_type.pk))

    assert response.status_code == 404


def test_ticket_type_delete_removes_it(client, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = TicketTypeFactory(event=event, name="Old")

    response = client.post(url("ticket_type_delete", event.pk, ticket_type.pk))

    assert not TicketType.objects.exists()
    assert "“Old” is deleted." in page_toasts(client, response)


def test_ticket_type_delete_with_sales_is_refused_with_a_toast(client, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = TicketTypeFactory(event=event, sold=1)

    response = client.post(url("ticket_type_delete", event.pk, ticket_type.pk), follow=True)

    assert TicketType.objects.filter(pk=ticket_type.pk).exists()
    assert any("cannot be deleted" in message for message in toasts(response))


def test_tickets_page_lists_sold_held_and_available(client, organizer):
    event = EventFactory(organizer=organizer)
    pool = CapacityPoolFactory(event=event, name="Hall")
    TicketTypeFactory(
        event=event, name="Crew", capacity=10, sold=3, held=2, is_hidden=True, unlock_code="CREW42", pool=pool
    )

    response = client.get(url("event_tickets", event.pk))

    body = response.content.decode()
    assert "Crew" in body and "CREW42" in body and "Hall" in body
    assert response.context["ticket_types"][0].available == 5


def test_pool_create_and_assign_a_ticket_type(client, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = TicketTypeFactory(event=event)

    client.post(url("pool_create", event.pk), {"pool-name": "Hall", "pool-capacity": "500"})
    pool = CapacityPool.objects.get()
    client.post(url("ticket_type_edit", event.pk, ticket_type.pk), ticket_type_post(pool=str(pool.pk)))

    ticket_type.refresh_from_db()
    assert (pool.event, pool.capacity, ticket_type.pool) == (event, 500, pool)


def test_pool_of_another_event_cannot_be_chosen_for_a_ticket_type(client, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = TicketTypeFactory(event=event)
    foreign = CapacityPoolFactory(event=EventFactory(organizer=organizer))

    response = client.post(url("ticket_type_edit", event.pk, ticket_type.pk), ticket_type_post(pool=str(foreign.pk)))

    ticket_type.refresh_from_db()
    assert response.context["ticket_type_form"].errors["pool"] and ticket_type.pool is None


def test_pool_move_of_a_sold_ticket_type_is_refused_next_to_the_pool(client, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = TicketTypeFactory(event=event, sold=1)
    pool = CapacityPoolFactory(event=event)

    response = client.post(url("ticket_type_edit", event.pk, ticket_type.pk), ticket_type_post(pool=str(pool.pk)))

    ticket_type.refresh_from_db()
    assert "cannot move" in response.context["ticket_type_form"].errors["pool"][0] and ticket_type.pool is None


def test_pool_resize_below_sold_is_refused_next_to_the_capacity(client, organizer):
    event = EventFactory(organizer=organizer)
    pool = CapacityPoolFactory(event=event, capacity=100, sold=80)
    prefix = f"pool-{pool.pk}"

    response = client.post(
        url("pool_update", event.pk, pool.pk), {f"{prefix}-name": "Hall", f"{prefix}-capacity": "50"}
    )

    pool.refresh_from_db()
    assert response.status_code == 200 and pool.capacity == 100
    rows = dict(response.context["pool_rows"])
    assert "80 tickets are sold or reserved" in rows[pool].errors["capacity"][0]


def test_pool_resize_and_delete(client, organizer):
    event = EventFactory(organizer=organizer)
    pool = CapacityPoolFactory(event=event, capacity=100)
    prefix = f"pool-{pool.pk}"

    client.post(url("pool_update", event.pk, pool.pk), {f"{prefix}-name": "Balcony", f"{prefix}-capacity": "120"})
    pool.refresh_from_db()
    resized = (pool.name, pool.capacity)
    client.post(url("pool_delete", event.pk, pool.pk))

    assert resized == ("Balcony", 120) and not CapacityPool.objects.exists()


def test_tickets_page_of_a_cancelled_event_offers_no_forms(client, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.CANCELLED)

    body = client.get(url("event_tickets", event.pk)).content.decode()

    assert url("ticket_type_create", event.pk) not in body and "can no longer change" in body


def test_ticket_type_forms_work_through_htmx_too(client, organizer):
    event = EventFactory(organizer=organizer, draft=True)

    response = client.post(
        url("ticket_type_create", event.pk), ticket_type_post(), headers={"HX-Request": "true"}, follow=True
    )

    assert response.status_code == 200 and 'id="tickets-tab"' in response.content.decode()
    assert response["HX-Push-Url"] == url("event_tickets", event.pk)
    assert TicketType.objects.filter(event=event).exists()


def test_ticket_type_form_errors_through_htmx_keep_a_reloadable_address(client, organizer):
    event = EventFactory(organizer=organizer, draft=True)

    response = client.post(
        url("ticket_type_create", event.pk), ticket_type_post(price="-1"), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200 and response["HX-Push-Url"] == url("event_tickets", event.pk)


# --- Gate staff ------------------------------------------------------------------------------------------


def test_staff_add_by_email_and_remove(client, organizer):
    event = EventFactory(organizer=organizer)
    gate = UserFactory(email="gate@example.com", name="Gabriel Gate")

    added = client.post(url("event_staff", event.pk), {"email": "GATE@example.com"})
    listed = client.get(url("event_staff", event.pk)).content.decode()
    client.post(url("staff_remove", event.pk, gate.pk))

    assert added.status_code == 302 and "Gabriel Gate" in listed
    assert not EventStaff.objects.exists()


def test_staff_add_with_an_unknown_address_explains_next_to_the_field(client, organizer):
    event = EventFactory(organizer=organizer)

    response = client.post(url("event_staff", event.pk), {"email": "nobody@example.com"})

    assert response.context["form"].errors["email"][0].startswith("No account uses this e-mail address")
    assert not EventStaff.objects.exists()


def test_staff_add_twice_explains(client, organizer):
    event = EventFactory(organizer=organizer)
    gate = UserFactory()
    EventStaff.objects.create(event=event, user=gate)

    response = client.post(url("event_staff", event.pk), {"email": gate.email})

    assert "already gate staff" in response.context["form"].errors["email"][0]


# --- Permissions: another organizer's event is 404 everywhere, and nothing changes ----------------------


@pytest.fixture
def foreign_world():
    """Another organizer's event with a ticket type, a shared capacity and a gate staff member."""
    event = EventFactory(draft=True)
    pool = CapacityPoolFactory(event=event)
    ticket_type = TicketTypeFactory(event=event, pool=pool)
    staff = EventStaff.objects.create(event=event, user=UserFactory(email="gate@example.com"))
    return {"event": event, "pool": pool, "ticket_type": ticket_type, "staff": staff}


FORBIDDEN_REQUESTS = [
    ("get", "event_detail", lambda w: [w["event"].pk], {}),
    ("get", "event_edit", lambda w: [w["event"].pk], {}),
    ("post", "event_edit", lambda w: [w["event"].pk], "event"),
    ("post", "event_publish", lambda w: [w["event"].pk], {}),
    ("post", "event_unpublish", lambda w: [w["event"].pk], {}),
    ("post", "event_duplicate", lambda w: [w["event"].pk], {}),
    ("get", "event_cancel", lambda w: [w["event"].pk], {}),
    ("post", "event_cancel", lambda w: [w["event"].pk], {"reason": "Mine now", "confirm": "on"}),
    ("get", "event_delete", lambda w: [w["event"].pk], {}),
    ("post", "event_delete", lambda w: [w["event"].pk], {}),
    ("get", "event_tickets", lambda w: [w["event"].pk], {}),
    ("post", "ticket_type_create", lambda w: [w["event"].pk], "ticket_type"),
    ("get", "ticket_type_edit", lambda w: [w["event"].pk, w["ticket_type"].pk], {}),
    ("post", "ticket_type_edit", lambda w: [w["event"].pk, w["ticket_type"].pk], "ticket_type"),
    ("post", "ticket_type_delete", lambda w: [w["event"].pk, w["ticket_type"].pk], {}),
    ("post", "pool_create", lambda w: [w["event"].pk], {"pool-name": "Mine", "pool-capacity": "1"}),
    ("post", "pool_update", lambda w: [w["event"].pk, w["pool"].pk], "pool"),
    ("post", "pool_delete", lambda w: [w["event"].pk, w["pool"].pk], {}),
    ("get", "event_staff", lambda w: [w["event"].pk], {}),
    ("post", "event_staff", lambda w: [w["event"].pk], {"email": "gate@example.com"}),
    ("post", "staff_remove", lambda w: [w["event"].pk, w["staff"].user_id], {}),
]


@pytest.mark.parametrize(
    ("method", "name", "args", "data"), FORBIDDEN_REQUESTS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_another_organizer_s_event_is_404_and_unchanged(client, organizer, foreign_world, method, name, args, data):
    if data == "event":
        data = event_post(foreign_world["event"].category, title="Hijacked")
    elif data == "ticket_type":
        data = ticket_type_post(name="Hijacked", price="0")
    elif data == "pool":
        data = {f"pool-{foreign_world['pool'].pk}-name": "Hijacked", f"pool-{foreign_world['pool'].pk}-capacity": "1"}
    before = snapshot()

    response = getattr(client, method)(url(name, *args(foreign_world)), data)

    assert response.status_code == 404
    assert snapshot() == before


def test_my_ticket_type_under_another_organizer_s_event_is_404(client, organizer, foreign_world):
    mine = TicketTypeFactory(event=EventFactory(organizer=organizer))

    response = client.post(url("ticket_type_delete", foreign_world["event"].pk, mine.pk))

    assert response.status_code == 404 and TicketType.objects.filter(pk=mine.pk).exists()


def test_an_admin_can_manage_any_event(client, foreign_world):
    client.force_login(UserFactory(admin=True))
    event = foreign_world["event"]

    page = client.get(url("event_detail", event.pk))
    client.post(url("event_publish", event.pk))

    event.refresh_from_db()
    assert page.status_code == 200 and event.status == Event.Status.PUBLISHED


@pytest.mark.parametrize(
    "page",
    ["event_create", "event_edit", "event_detail", "event_tickets", "event_staff", "event_cancel", "event_delete"],
)
def test_every_form_on_the_page_carries_a_csrf_token(client, organizer, page):
    event = EventFactory(organizer=organizer, draft=True)
    pool = CapacityPoolFactory(event=event)
    TicketTypeFactory(event=event, pool=pool)
    EventStaff.objects.create(event=event, user=UserFactory())

    body = client.get(url(page) if page == "event_create" else url(page, event.pk)).content.decode()

    forms = re.findall(r'<form [^>]*method="post"[^>]*>(.*?)</form>', body, re.S)
    assert len(forms) >= 2 and all('name="csrfmiddlewaretoken"' in form for form in forms)


# --- Query budgets of the event pages -----------------------------------------------------------------


@pytest.mark.parametrize("page", ["event_detail", "event_tickets", "event_staff", "event_edit", "event_cancel"])
@pytest.mark.parametrize("count", [2, 15])
def test_event_page_query_count_does_not_grow(client, organizer, django_assert_max_num_queries, page, count):
    event = EventFactory(organizer=organizer)
    pools = CapacityPoolFactory.create_batch(2, event=event)
    for index in range(count):
        TicketTypeFactory(event=event, pool=pools[index % 2], sold=1)
        EventStaff.objects.create(event=event, user=UserFactory())
        VenueFactory(organizer=organizer)

    with django_assert_max_num_queries(8):
        response = client.get(url(page, event.pk))

    assert response.status_code == 200


# --- The organizer's home ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 12])
def test_dashboard_summarises_my_events(client, organizer, django_assert_max_num_queries, count):
    now = timezone.now()
    venue = VenueFactory(organizer=organizer)
    for index in range(count):
        event = EventFactory(
            organizer=organizer, venue=venue, title=f"Gig {index}", starts_at=now + timedelta(days=index + 1)
        )
        TicketTypeFactory(event=event, capacity=10, sold=4)
    EventFactory(organizer=organizer, venue=venue, title="Draft gig", draft=True)
    EventFactory(title="Not mine")

    with django_assert_max_num_queries(6):
        response = client.get(reverse("core:dashboard"))

    body = response.content.decode()
    assert response.context["event_counts"]["published"] == count and response.context["event_counts"]["draft"] == 1
    assert [event.title for event in response.context["upcoming_events"]][:2] == ["Gig 0", "Gig 1"]
    assert "Not mine" not in body and '<progress class="eh-progress sales__bar" value="4" max="10"' in body
