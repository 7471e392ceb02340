"""Organizer API: the ticket types of my events and their shared capacities."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditLogEntry
from events.models import CapacityPool, Event, TicketType
from events.tests.factories import CapacityPoolFactory, EventFactory, TicketTypeFactory
from events.tests.helpers_api_organizer import error_fields, event_url, ticket_type_url

pytestmark = pytest.mark.django_db


# --- ticket types -------------------------------------------------------------------------------------------


def test_ticket_type_list_shows_counters(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, capacity=10, sold=4, held=1)

    response = api.get(event_url(ticket_type.event, "api-organizer-ticket-type-list"))

    assert response.status_code == 200
    assert [(tt["id"], tt["sold"], tt["held"], tt["available"]) for tt in response.json()] == [
        (ticket_type.pk, 4, 1, 5)
    ]


def test_ticket_type_create_adds_one_to_my_event(api, organizer, draft):
    pool = CapacityPoolFactory(event=draft)
    payload = {"name": "Early bird", "price": "19.90", "capacity": 50, "pool": pool.pk, "max_per_order": 4}

    response = api.post(event_url(draft, "api-organizer-ticket-type-list"), payload, format="json")

    assert response.status_code == 201, response.content
    ticket_type = TicketType.objects.get(pk=response.json()["id"])
    assert (ticket_type.event, ticket_type.price, ticket_type.pool, ticket_type.max_per_order) == (
        draft,
        Decimal("19.90"),
        pool,
        4,
    )
    assert AuditLogEntry.objects.filter(action="ticket_type.created", actor=organizer).exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"price": "-1.00"}, "price"),
        ({"capacity": -5}, "capacity"),
        ({"min_per_order": 5, "max_per_order": 2}, "max_per_order"),
        ({"is_hidden": True}, "unlock_code"),
        ({"sales_start": "2030-01-02T00:00:00Z", "sales_end": "2030-01-01T00:00:00Z"}, "sales_end"),
        ({"sold": 10}, "sold"),
        ({"held": 10}, "held"),
        ({"event": 1}, "event"),
    ],
)
def test_ticket_type_create_refuses_bad_input_next_to_the_field(api, draft, overrides, field):
    payload = {"name": "Regular", "price": "25.00", "capacity": 100, **overrides}

    response = api.post(event_url(draft, "api-organizer-ticket-type-list"), payload, format="json")

    assert response.status_code == 400
    assert field in error_fields(response)
    assert not TicketType.objects.exists()


def test_ticket_type_create_refuses_a_shared_capacity_of_another_event(api, organizer, draft):
    elsewhere = CapacityPoolFactory(event__organizer=organizer)
    payload = {"name": "Regular", "price": "25.00", "capacity": 100, "pool": elsewhere.pk}

    response = api.post(event_url(draft, "api-organizer-ticket-type-list"), payload, format="json")

    assert response.status_code == 400
    assert "pool" in error_fields(response)


def test_ticket_type_create_on_another_organizers_event_answers_404(api, other_organizer):
    event = EventFactory(organizer=other_organizer)
    payload = {"name": "Sneaky", "price": "0.00", "capacity": 10}

    response = api.post(event_url(event, "api-organizer-ticket-type-list"), payload, format="json")

    assert response.status_code == 404
    assert not TicketType.objects.exists()


def test_ticket_type_patch_changes_the_price(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer)

    response = api.patch(ticket_type_url(ticket_type), {"price": "30.00"}, format="json")

    assert response.status_code == 200
    assert TicketType.objects.get(pk=ticket_type.pk).price == Decimal("30.00")
    assert AuditLogEntry.objects.get(action="ticket_type.updated").data == {"fields": ["price"]}


def test_ticket_type_patch_refuses_a_capacity_below_sold(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, capacity=100, sold=40, held=5)

    response = api.patch(ticket_type_url(ticket_type), {"capacity": 44}, format="json")

    assert response.status_code == 400
    assert "capacity" in error_fields(response)
    assert TicketType.objects.get(pk=ticket_type.pk).capacity == 100


def test_ticket_type_patch_accepts_a_capacity_equal_to_sold(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, capacity=100, sold=40, held=5)

    response = api.patch(ticket_type_url(ticket_type), {"capacity": 45}, format="json")

    assert response.status_code == 200
    assert response.json()["available"] == 0


@pytest.mark.parametrize("field", ["sold", "held", "event"])
def test_ticket_type_patch_refuses_counters_and_the_event(api, organizer, field):
    ticket_type = TicketTypeFactory(event__organizer=organizer, sold=3)

    response = api.patch(ticket_type_url(ticket_type), {field: 0, "price": "1.00"}, format="json")

    assert response.status_code == 400
    stored = TicketType.objects.get(pk=ticket_type.pk)
    assert (stored.sold, stored.price, stored.event_id) == (3, Decimal("25.00"), ticket_type.event_id)


def test_ticket_type_patch_of_another_organizers_type_answers_404(api, other_organizer):
    ticket_type = TicketTypeFactory(event__organizer=other_organizer)

    response = api.patch(ticket_type_url(ticket_type), {"price": "0.00"}, format="json")

    assert response.status_code == 404
    assert TicketType.objects.get(pk=ticket_type.pk).price == Decimal("25.00")


def test_ticket_type_patch_on_a_cancelled_event_answers_409(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, event__status=Event.Status.CANCELLED)

    response = api.patch(ticket_type_url(ticket_type), {"price": "1.00"}, format="json")

    assert response.status_code == 409


def test_ticket_type_delete_removes_an_unsold_type(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer)

    response = api.delete(ticket_type_url(ticket_type))

    assert response.status_code == 204
    assert not TicketType.objects.exists()


def test_ticket_type_delete_refuses_a_sold_type(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, sold=1)

    response = api.delete(ticket_type_url(ticket_type))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ticket_type_in_use"


def test_ticket_type_delete_of_another_organizers_type_answers_404(api, other_organizer):
    ticket_type = TicketTypeFactory(event__organizer=other_organizer)

    response = api.delete(ticket_type_url(ticket_type))

    assert response.status_code == 404
    assert TicketType.objects.filter(pk=ticket_type.pk).exists()


# --- shared capacities --------------------------------------------------------------------------------------


def pool_url(pool):
    return reverse("api-organizer-capacity-pool", args=[pool.pk])


def test_capacity_pool_create_and_list(api, organizer, draft):
    created = api.post(
        event_url(draft, "api-organizer-capacity-pool-list"), {"name": "Standing", "capacity": 500}, format="json"
    )

    listed = api.get(event_url(draft, "api-organizer-capacity-pool-list"))

    assert created.status_code == 201, created.content
    assert [(pool["name"], pool["capacity"], pool["available"]) for pool in listed.json()] == [("Standing", 500, 500)]
    assert AuditLogEntry.objects.filter(action="capacity_pool.saved", actor=organizer).exists()


def test_capacity_pool_patch_resizes_it(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer, capacity=100, sold=10)

    response = api.patch(pool_url(pool), {"capacity": 80}, format="json")

    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["available"]) == (80, 70)
    assert CapacityPool.objects.get(pk=pool.pk).name == pool.name


def test_capacity_pool_patch_refuses_a_capacity_below_sold(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer, capacity=100, sold=60)

    response = api.patch(pool_url(pool), {"capacity": 59}, format="json")

    assert response.status_code == 400
    assert "capacity" in error_fields(response)
    assert CapacityPool.objects.get(pk=pool.pk).capacity == 100


def test_capacity_pool_patch_refuses_its_counters(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer, sold=5)

    response = api.patch(pool_url(pool), {"sold": 0}, format="json")

    assert response.status_code == 400
    assert CapacityPool.objects.get(pk=pool.pk).sold == 5


def test_capacity_pool_of_another_organizer_answers_404(api, other_organizer):
    pool = CapacityPoolFactory(event__organizer=other_organizer, capacity=100)

    patched = api.patch(pool_url(pool), {"capacity": 1}, format="json")
    deleted = api.delete(pool_url(pool))
    listed = api.get(event_url(pool.event, "api-organizer-capacity-pool-list"))

    assert (patched.status_code, deleted.status_code, listed.status_code) == (404, 404, 404)
    assert CapacityPool.objects.get(pk=pool.pk).capacity == 100


def test_capacity_pool_delete_keeps_its_ticket_types(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer)
    ticket_type = TicketTypeFactory(event=pool.event, pool=pool)

    response = api.delete(pool_url(pool))

    assert response.status_code == 204
    assert TicketType.objects.get(pk=ticket_type.pk).pool is None


def test_capacity_pool_delete_refuses_one_with_sales(api, organizer):
    pool = CapacityPoolFactory(event__organizer=organizer, sold=1)

    response = api.delete(pool_url(pool))

    assert response.status_code == 409
    assert CapacityPool.objects.filter(pk=pool.pk).exists()
