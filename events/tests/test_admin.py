"""Event moderation in Django admin: search, filters, actions through services, an audit entry for everything."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.admin import MODERATION_CANCEL_REASON
from events.models import Event
from events.tests.factories import CapacityPoolFactory, CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory
from events.tests.helpers_admin import EVENTS, audit_entries, run_action

pytestmark = pytest.mark.django_db


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def on_the_second():
    return (timezone.now() + timedelta(days=10)).replace(microsecond=0)


def event_form_data(event: Event, **changes) -> dict:
    """The event's change form as the admin would submit it unchanged, plus ``changes``."""
    data = {
        "title": event.title,
        "organizer": event.organizer_id,
        "category": event.category_id,
        "summary": event.summary,
        "description": event.description,
        "venue": event.venue_id or "",
        "online_url": event.online_url,
        "starts_at_0": event.starts_at.strftime("%Y-%m-%d"),
        "starts_at_1": event.starts_at.strftime("%H:%M:%S"),
        "ends_at_0": event.ends_at.strftime("%Y-%m-%d"),
        "ends_at_1": event.ends_at.strftime("%H:%M:%S"),
        "timezone": event.timezone,
        "visibility": event.visibility,
        "featured": "on" if event.featured else "",
        "currency": event.currency,
        "max_tickets_per_order": event.max_tickets_per_order,
        "refund_policy": json.dumps(event.refund_policy),
        "initial-refund_policy": json.dumps(event.refund_policy),  # a callable default renders a hidden initial
        "refund_fee": str(event.refund_fee),
        "transfers_enabled": "on" if event.transfers_enabled else "",
        "ticket_types-TOTAL_FORMS": "0",
        "ticket_types-INITIAL_FORMS": "0",
        "capacity_pools-TOTAL_FORMS": "0",
        "capacity_pools-INITIAL_FORMS": "0",
        "_save": "Save",
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


# --- access -------------------------------------------------------------------------------------------------


def test_event_admin_redirects_an_organizer_to_the_login(client):
    client.force_login(UserFactory(organizer=True))

    response = client.get(EVENTS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "url_name", ["events_category", "events_venue", "events_ticket_type", "events_eventstaff", "events_wishlistitem"]
)
def test_catalogue_changelists_open_for_an_admin(admin_client, url_name):
    url_name = url_name.replace("ticket_type", "tickettype")

    response = admin_client.get(reverse(f"admin:{url_name}_changelist"))

    assert response.status_code == 200


# --- event changelist ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [("Harbour", {"harbour"}), ("olga@example.com", {"harbour"}), ("Lisbon", {"fado"})],
)
def test_event_admin_search_finds_by_title_organizer_email_and_city(admin_client, query, expected):
    olga = UserFactory(organizer=True, email="olga@example.com")
    EventFactory(slug="harbour", title="Harbour Lights", organizer=olga, venue=VenueFactory(city="Oslo"))
    EventFactory(slug="fado", title="Fado Night", venue=VenueFactory(city="Lisbon"))

    response = admin_client.get(EVENTS, {"q": query})

    assert response.status_code == 200
    assert {event.slug for event in response.context["cl"].result_list} == expected


def test_event_admin_filters_by_status_featured_category_and_organizer(admin_client):
    olga = UserFactory(organizer=True)
    talks = CategoryFactory(slug="talks")
    EventFactory(slug="wanted", organizer=olga, category=talks, featured=True)
    EventFactory(slug="draft", organizer=olga, category=talks, featured=True, draft=True)
    EventFactory(slug="other-organizer", category=talks, featured=True)
    EventFactory(slug="not-featured", organizer=olga, category=talks)
    query = {"status__exact": "published", "featured__exact": "1", "category__id__exact": talks.pk}

    response = admin_client.get(EVENTS, {**query, "organizer__id__exact": olga.pk})

    assert {event.slug for event in response.context["cl"].result_list} == {"wanted"}


def test_event_admin_organizer_filter_offers_only_organizers_with_events(admin_client):
    EventFactory(organizer=UserFactory(organizer=True, email="olga@example.com"))
    EventFactory(organizer=UserFactory(organizer=True, email="omar@example.com"))
    UserFactory(organizer=True, email="idle@example.com")

    response = admin_client.get(EVENTS)

    organizer_filter = next(spec for spec in response.context["cl"].filter_specs if spec.field_path == "organizer")
    assert sorted(label for _, label in organizer_filter.lookup_choices) == ["olga@example.com", "omar@example.com"]


@pytest.mark.parametrize("count", [3, 30])
def test_event_admin_changelist_query_count_does_not_grow(admin_client, django_assert_max_num_queries, count):
    for _ in range(count):
        TicketTypeFactory(event__organizer=UserFactory(organizer=True))

    with django_assert_max_num_queries(9):
        response = admin_client.get(EVENTS)

    assert response.context["cl"].result_count == count


# --- event actions ------------------------------------------------------------------------------------------


def test_feature_action_features_published_events_and_records_it(admin_client):
    event = EventFactory()

    run_action(admin_client, "feature", event)

    assert Event.objects.get(pk=event.pk).featured is True
    assert audit_entries("event.featured") == [("moderator@example.com", str(event.pk))]


def test_feature_action_skips_drafts_with_a_warning(admin_client):
    draft = EventFactory(draft=True, title="Unready")

    response = run_action(admin_client, "feature", draft)

    assert Event.objects.get(pk=draft.pk).featured is False
    assert not AuditLogEntry.objects.filter(action="event.featured").exists()
    assert any("Unready" in message for message in page_messages(admin_client.get(response["Location"])))


def test_feature_action_features_what_it_can_and_explains_the_rest(admin_client):
    ready, already = EventFactory(title="Ready"), EventFactory(featured=True)
    draft = EventFactory(draft=True, title="Unready")

    response = run_action(admin_client, "feature", ready, already, draft)

    assert set(Event.objects.filter(featured=True).values_list("pk", flat=True)) == {ready.pk, already.pk}
    assert audit_entries("event.featured") == [("moderator@example.com", str(ready.pk))]
    messages = page_messages(admin_client.get(response["Location"]))
    assert "1 event featured." in messages
    assert any("Unready" in message and "Only published events" in message for message in messages)


def test_unfeature_action_records_it(admin_client):
    event = EventFactory(featured=True)

    run_action(admin_client, "unfeature", event)

    assert Event.objects.get(pk=event.pk).featured is False
    assert audit_entries("event.unfeatured") == [("moderator@example.com", str(event.pk))]


def test_unpublish_action_goes_through_the_service(admin_client):
    event = TicketTypeFactory().event

    run_action(admin_client, "unpublish", event)

    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT
    assert audit_entries("event.unpublished") == [("moderator@example.com", str(event.pk))]


def test_unpublish_action_leaves_an_event_with_sales_alone(admin_client):
    sold = TicketTypeFactory(sold=2).event
    unsold = TicketTypeFactory().event

    response = run_action(admin_client, "unpublish", sold, unsold)

    assert Event.objects.get(pk=sold.pk).status == Event.Status.PUBLISHED
    assert Event.objects.get(pk=unsold.pk).status == Event.Status.DRAFT
    messages = page_messages(admin_client.get(response["Location"]))
    assert any(sold.title in message for message in messages)


def test_cancel_action_cancels_with_the_moderation_reason(admin_client):
    event = EventFactory(featured=True)

    run_action(admin_client, "cancel", event)

    event.refresh_from_db()
    assert (event.status, event.cancellation_reason, event.featured) == (
        Event.Status.CANCELLED,
        MODERATION_CANCEL_REASON,
        False,
    )
    entry = AuditLogEntry.objects.get(action="event.cancelled")
    assert (entry.actor.email, entry.data) == ("moderator@example.com", {"reason": "Cancelled by moderation"})


def test_cancel_action_skips_an_already_cancelled_event(admin_client):
    event = EventFactory(status=Event.Status.CANCELLED, cancellation_reason="Organizer")

    run_action(admin_client, "cancel", event)

    assert Event.objects.get(pk=event.pk).cancellation_reason == "Organizer"
    assert not AuditLogEntry.objects.filter(action="event.cancelled").exists()


def test_event_admin_offers_no_bulk_delete(admin_client):
    response = admin_client.get(EVENTS)

    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"feature", "unfeature", "unpublish", "cancel"} <= set(actions)


# --- event change form --------------------------------------------------------------------------------------


def test_event_change_page_shows_ticket_types_and_shared_capacities(admin_client):
    event = EventFactory()
    TicketTypeFactory(event=event, name="Balcony", sold=7)
    CapacityPoolFactory(event=event, name="Whole house")

    response = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert response.status_code == 200
    assert b"Balcony" in response.content
    assert b"Whole house" in response.content


def test_event_change_save_records_the_changed_fields(admin_client, admin_user):
    starts = on_the_second()
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]), event_form_data(event, title="Cleaned-up title")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Event.objects.get(pk=event.pk).title == "Cleaned-up title"
    entry = AuditLogEntry.objects.get(action="event.edited_by_admin")
    assert (entry.actor, entry.data) == (admin_user, {"fields": ["title"]})


def test_event_change_save_records_featuring(admin_client):
    starts = on_the_second()
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))

    admin_client.post(reverse("admin:events_event_change", args=[event.pk]), event_form_data(event, featured="on"))

    assert Event.objects.get(pk=event.pk).featured is True
    assert audit_entries("event.featured") == [("moderator@example.com", str(event.pk))]
    assert not AuditLogEntry.objects.filter(action="event.edited_by_admin").exists()


def test_event_change_form_cannot_change_the_status(admin_client):
    starts = on_the_second()
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2), draft=True)

    admin_client.post(reverse("admin:events_event_change", args=[event.pk]), event_form_data(event, status="published"))

    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_event_delete_of_an_unsold_event_goes_through_the_service(admin_client):
    event = EventFactory(draft=True)

    response = admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()
    assert audit_entries("event.deleted") == [("moderator@example.com", str(event.pk))]


def test_event_delete_of_an_event_with_sales_is_refused(admin_client):
    event = TicketTypeFactory(sold=1).event

    response = admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()
