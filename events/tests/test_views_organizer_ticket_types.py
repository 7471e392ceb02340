"""The organizer's ticket types page through its URLs: ticket types and shared capacities, with htmx too."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from events.models import CapacityPool, Event, TicketType
from events.tests.factories import CapacityPoolFactory, EventFactory, TicketTypeFactory
from events.tests.helpers_organizer_pages import page_toasts, ticket_type_post, toasts, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(organizer, client):
    """The organizer of conftest, signed in: every test here browses the dashboard as them."""
    client.force_login(organizer)
    return organizer


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


@pytest.mark.parametrize("page", ["pool_update", "pool_delete"])
def test_pool_of_another_event_of_mine_is_not_changed_through_this_one(client, organizer, page):
    event, other = EventFactory(organizer=organizer), EventFactory(organizer=organizer)
    pool = CapacityPoolFactory(event=other, name="Hall", capacity=100)
    prefix = f"pool-{pool.pk}"

    response = client.post(url(page, event.pk, pool.pk), {f"{prefix}-name": "Moved", f"{prefix}-capacity": "5"})

    pool.refresh_from_db()
    assert response.status_code == 404 and (pool.name, pool.capacity) == ("Hall", 100)


def test_an_admin_can_resize_any_organizer_s_pool(client):
    client.force_login(UserFactory(admin=True))
    pool = CapacityPoolFactory(capacity=100)
    prefix = f"pool-{pool.pk}"

    client.post(url("pool_update", pool.event.pk, pool.pk), {f"{prefix}-name": "Hall", f"{prefix}-capacity": "80"})

    pool.refresh_from_db()
    assert pool.capacity == 80


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
