"""The rest of the catalogue in Django admin: ticket types (through their service), categories, venues,
gate staff and wishlists, with an audit entry for every change.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import Category, Event, EventStaff, TicketType, Venue, WishlistItem
from events.tests.factories import CapacityPoolFactory, CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory
from events.tests.helpers_admin import audit_entries, run_action

pytestmark = pytest.mark.django_db


# --- ticket types -------------------------------------------------------------------------------------------


def ticket_type_form_data(ticket_type: TicketType, **changes) -> dict:
    data = {
        "name": ticket_type.name,
        "description": ticket_type.description,
        "price": str(ticket_type.price),
        "capacity": ticket_type.capacity,
        "pool": ticket_type.pool_id or "",
        "min_per_order": ticket_type.min_per_order,
        "max_per_order": ticket_type.max_per_order,
        "unlock_code": ticket_type.unlock_code,
        "position": ticket_type.position,
        "_save": "Save",
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


def test_ticket_type_change_goes_through_the_service(admin_client, admin_user):
    ticket_type = TicketTypeFactory(capacity=100, sold=10)

    response = admin_client.post(
        reverse("admin:events_tickettype_change", args=[ticket_type.pk]),
        ticket_type_form_data(ticket_type, price="30.00", sold="0", held="0"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = TicketType.objects.get(pk=ticket_type.pk)
    assert (stored.price, stored.sold) == (Decimal("30.00"), 10)
    entry = AuditLogEntry.objects.get(action="ticket_type.updated")
    assert (entry.actor, entry.data) == (admin_user, {"fields": ["price"]})


def test_ticket_type_change_refuses_a_capacity_below_sold(admin_client):
    ticket_type = TicketTypeFactory(capacity=100, sold=60, held=5)

    response = admin_client.post(
        reverse("admin:events_tickettype_change", args=[ticket_type.pk]),
        ticket_type_form_data(ticket_type, capacity=64),
    )

    assert response.status_code == 200
    assert "capacity" in response.context["adminform"].form.errors
    assert TicketType.objects.get(pk=ticket_type.pk).capacity == 100


def test_ticket_type_change_refuses_a_pool_of_another_event(admin_client):
    ticket_type = TicketTypeFactory()
    elsewhere = CapacityPoolFactory()

    response = admin_client.post(
        reverse("admin:events_tickettype_change", args=[ticket_type.pk]),
        ticket_type_form_data(ticket_type, pool=elsewhere.pk),
    )

    assert response.status_code == 200
    assert "pool" in response.context["adminform"].form.errors
    assert TicketType.objects.get(pk=ticket_type.pk).pool is None


def test_ticket_type_of_a_cancelled_event_is_frozen(admin_client):
    ticket_type = TicketTypeFactory(event__status=Event.Status.CANCELLED)

    response = admin_client.post(
        reverse("admin:events_tickettype_change", args=[ticket_type.pk]),
        ticket_type_form_data(ticket_type, price="1.00"),
    )

    assert response.status_code == 200
    assert TicketType.objects.get(pk=ticket_type.pk).price == Decimal("25.00")


def test_ticket_type_admin_adds_and_deletes_nothing(admin_client):
    ticket_type = TicketTypeFactory()

    added = admin_client.get(reverse("admin:events_tickettype_add"))
    deleted = admin_client.post(reverse("admin:events_tickettype_delete", args=[ticket_type.pk]), {"post": "yes"})

    assert (added.status_code, deleted.status_code) == (403, 403)
    assert TicketType.objects.filter(pk=ticket_type.pk).exists()


# --- categories, venues, staff, wishlists -------------------------------------------------------------------


def test_category_add_records_it(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:events_category_add"),
        {"name": "Film", "slug": "film", "icon": "film", "colour": "#112233", "position": 3},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    category = Category.objects.get(slug="film")
    assert audit_entries("category.created_by_admin") == [("moderator@example.com", str(category.pk))]


def test_category_add_refuses_a_bad_colour(admin_client):
    response = admin_client.post(
        reverse("admin:events_category_add"),
        {"name": "Film", "slug": "film", "icon": "film", "colour": "blue", "position": 3},
    )

    assert response.status_code == 200
    assert "colour" in response.context["adminform"].form.errors
    assert not Category.objects.filter(slug="film").exists()


def test_category_position_edited_in_the_list_is_recorded(admin_client):
    category = CategoryFactory(position=1)

    response = admin_client.post(
        reverse("admin:events_category_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": category.pk,
            "form-0-position": "7",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert Category.objects.get(pk=category.pk).position == 7
    assert AuditLogEntry.objects.get(action="category.edited_by_admin").data == {"fields": ["position"]}


def test_category_delete_is_recorded(admin_client):
    category = CategoryFactory()

    admin_client.post(reverse("admin:events_category_delete", args=[category.pk]), {"post": "yes"})

    assert not Category.objects.filter(pk=category.pk).exists()
    assert audit_entries("category.deleted_by_admin") == [("moderator@example.com", str(category.pk))]


def test_category_in_use_cannot_be_deleted(admin_client):
    category = EventFactory().category

    admin_client.post(reverse("admin:events_category_delete", args=[category.pk]), {"post": "yes"})

    assert Category.objects.filter(pk=category.pk).exists()
    assert not AuditLogEntry.objects.filter(action="category.deleted_by_admin").exists()


def test_venue_change_is_recorded(admin_client):
    venue = VenueFactory(city="Oslo")

    response = admin_client.post(
        reverse("admin:events_venue_change", args=[venue.pk]),
        {
            "organizer": venue.organizer_id,
            "name": venue.name,
            "address": venue.address,
            "city": "Bergen",
            "country": venue.country,
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Venue.objects.get(pk=venue.pk).city == "Bergen"
    assert AuditLogEntry.objects.get(action="venue.edited_by_admin").data == {"fields": ["city"]}


@pytest.mark.parametrize("query, expected", [({"country__exact": "PT"}, {"Coliseu"}), ({"q": "oslo"}, {"Opera"})])
def test_venue_admin_search_and_filter(admin_client, query, expected):
    VenueFactory(name="Coliseu", city="Lisbon", country="PT")
    VenueFactory(name="Opera", city="Oslo", country="NO")

    response = admin_client.get(reverse("admin:events_venue_changelist"), query)

    assert {venue.name for venue in response.context["cl"].result_list} == expected


def test_staff_added_in_the_admin_is_recorded(admin_client, admin_user):
    event, gate = EventFactory(), UserFactory()

    response = admin_client.post(
        reverse("admin:events_eventstaff_add"), {"event": event.pk, "user": gate.pk, "_save": "Save"}
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    staff = EventStaff.objects.get(event=event, user=gate)
    assert staff.added_by == admin_user
    assert audit_entries("event_staff.created_by_admin") == [("moderator@example.com", str(staff.pk))]


def test_wishlist_item_deleted_in_bulk_is_recorded(admin_client):
    items = [WishlistItem.objects.create(user=UserFactory(), event=EventFactory()) for _ in range(2)]

    run_action(admin_client, "delete_selected", *items, changelist=reverse("admin:events_wishlistitem_changelist"))
    admin_client.post(
        reverse("admin:events_wishlistitem_changelist"),
        {"action": "delete_selected", "_selected_action": [item.pk for item in items], "post": "yes"},
    )

    assert not WishlistItem.objects.exists()
    assert sorted(target for _, target in audit_entries("wishlist_item.deleted_by_admin")) == sorted(
        str(item.pk) for item in items
    )


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("admin:events_event_add"),
        lambda: reverse("admin:events_event_change", args=[EventFactory(online=True).pk]),
        lambda: reverse("admin:events_tickettype_change", args=[TicketTypeFactory().pk]),
        lambda: reverse("admin:events_category_add"),
        lambda: reverse("admin:events_venue_change", args=[VenueFactory().pk]),
        lambda: reverse("admin:events_eventstaff_add"),
    ],
)
def test_catalogue_admin_pages_open(admin_client, url):
    response = admin_client.get(url())

    assert response.status_code == 200
