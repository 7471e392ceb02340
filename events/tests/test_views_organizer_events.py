"""The organizer dashboard's event pages through their URLs: my events, an event's overview and its
life-cycle actions (publish, unpublish, duplicate, cancel, delete), query budgets, the organizer's home.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Event, EventStaff
from events.tests.factories import CapacityPoolFactory, EventFactory, TicketTypeFactory, VenueFactory
from events.tests.helpers_organizer_pages import page_toasts, toasts, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(organizer, client):
    """The organizer of conftest, signed in: every test here browses the dashboard as them."""
    client.force_login(organizer)
    return organizer


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
