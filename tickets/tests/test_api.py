"""The buying API: holds, checkout, orders and tickets, scoped to their owner."""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import TicketType
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Hold, Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_client(api_client):
    buyer = UserFactory(name="Ann Buyer")
    api_client.force_authenticate(buyer)
    api_client.buyer = buyer
    return api_client


def make_hold(client, ticket_type, quantity=2, **extra):
    return client.post(
        "/api/v1/holds/",
        {"event": ticket_type.event.slug, "lines": [{"ticket_type": ticket_type.pk, "quantity": quantity}]},
        format="json",
        **extra,
    )


def test_hold_then_checkout_gives_a_pending_order_with_named_tickets(buyer_client):
    ticket_type = TicketTypeFactory(price=Decimal("12.50"))

    hold = make_hold(buyer_client, ticket_type).json()
    response = buyer_client.post(
        f"/api/v1/holds/{hold['id']}/checkout/", {"attendee_names": ["Ann Buyer", "Ben Guest"]}, format="json"
    )

    body = response.json()
    assert response.status_code == 201
    assert body["status"] == "pending" and body["total"] == "25.00"
    assert body["payment"]["pay_url"] == f"/api/v1/orders/{body['code']}/pay/"
    assert sorted(ticket["attendee_name"] for ticket in body["tickets"]) == ["Ann Buyer", "Ben Guest"]


def test_prices_in_the_request_are_ignored(buyer_client):
    ticket_type = TicketTypeFactory(price=Decimal("30.00"))

    response = buyer_client.post(
        "/api/v1/holds/",
        {"event": ticket_type.event.slug, "lines": [{"ticket_type": ticket_type.pk, "quantity": 1, "price": "0.01"}],
         "total": "0.01"},
        format="json",
    )  # fmt: skip

    assert response.json()["total"] == "30.00"


def test_negative_or_huge_quantities_are_refused(buyer_client):
    ticket_type = TicketTypeFactory()

    negative = make_hold(buyer_client, ticket_type, quantity=-1)
    huge = make_hold(buyer_client, ticket_type, quantity=10**9)

    assert negative.status_code == huge.status_code == 400
    assert TicketType.objects.get(pk=ticket_type.pk).held == 0


def test_sold_out_answers_409_with_the_error_shape(buyer_client):
    ticket_type = TicketTypeFactory(capacity=1)

    response = make_hold(buyer_client, ticket_type, quantity=2)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "sold_out"


def test_idempotency_key_returns_the_same_hold(buyer_client):
    ticket_type = TicketTypeFactory(capacity=10)

    first = make_hold(buyer_client, ticket_type, HTTP_IDEMPOTENCY_KEY="abc-123").json()
    second = make_hold(buyer_client, ticket_type, HTTP_IDEMPOTENCY_KEY="abc-123").json()

    assert first["id"] == second["id"]
    assert TicketType.objects.get(pk=ticket_type.pk).held == 2


def test_unverified_buyer_gets_403_not_verified(api_client):
    api_client.force_authenticate(UserFactory(unverified=True))

    response = make_hold(api_client, TicketTypeFactory())

    assert response.status_code == 403 and response.json()["error"]["code"] == "not_verified"


def test_anonymous_cannot_hold(api_client):
    assert make_hold(api_client, TicketTypeFactory()).status_code == 401


def test_someone_elses_hold_is_404(buyer_client, api_client):
    ticket_type = TicketTypeFactory()
    hold = make_hold(buyer_client, ticket_type).json()
    buyer_client.force_authenticate(UserFactory())

    checkout = buyer_client.post(f"/api/v1/holds/{hold['id']}/checkout/", {"attendee_names": ["X", "Y"]}, format="json")
    delete = buyer_client.delete(f"/api/v1/holds/{hold['id']}/")

    assert checkout.status_code == delete.status_code == 404
    assert Hold.objects.get().status == Hold.Status.ACTIVE


def test_delete_hold_releases_tickets(buyer_client):
    ticket_type = TicketTypeFactory()
    hold = make_hold(buyer_client, ticket_type).json()

    response = buyer_client.delete(f"/api/v1/holds/{hold['id']}/")

    assert response.status_code == 204
    assert TicketType.objects.get(pk=ticket_type.pk).held == 0


def test_unknown_hold_id_is_404(buyer_client):
    assert buyer_client.delete(f"/api/v1/holds/{uuid.uuid4()}/").status_code == 404


def test_orders_and_tickets_lists_show_only_mine(buyer_client):
    ticket_type = TicketTypeFactory()
    hold = make_hold(buyer_client, ticket_type).json()
    order = buyer_client.post(
        f"/api/v1/holds/{hold['id']}/checkout/", {"attendee_names": ["A", "B"]}, format="json"
    ).json()
    me = buyer_client.buyer
    buyer_client.force_authenticate(UserFactory())
    others_orders = buyer_client.get("/api/v1/orders/").json()
    others_detail = buyer_client.get(f"/api/v1/orders/{order['code']}/")
    buyer_client.force_authenticate(me)

    mine = buyer_client.get("/api/v1/orders/").json()
    tickets = buyer_client.get("/api/v1/tickets/").json()

    assert others_orders["count"] == 0 and others_detail.status_code == 404
    assert [row["code"] for row in mine["results"]] == [order["code"]]
    assert tickets["count"] == 2


def test_cancel_unpaid_order_gives_tickets_back(buyer_client):
    ticket_type = TicketTypeFactory()
    hold = make_hold(buyer_client, ticket_type).json()
    order = buyer_client.post(
        f"/api/v1/holds/{hold['id']}/checkout/", {"attendee_names": ["A", "B"]}, format="json"
    ).json()

    response = buyer_client.post(f"/api/v1/orders/{order['code']}/cancel/")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert TicketType.objects.get(pk=ticket_type.pk).held == 0
    assert Order.objects.get().cancelled_at is not None


def test_seats_are_held_by_id_on_seated_events(buyer_client):
    from events.services.seat_maps import SectionSpec, seat_map_generate

    event = EventFactory()
    ticket_type = TicketTypeFactory(event=event, capacity=0)
    seat_map_generate(
        event=event, sections=[SectionSpec("Stalls", 2, 5, ticket_type)], actor=event.organizer, now=timezone.now()
    )
    seats = list(event.seat_map.sections.get().rows.first().seats.values_list("pk", flat=True)[:2])

    first = buyer_client.post("/api/v1/holds/", {"event": event.slug, "seats": seats}, format="json")
    buyer_client.force_authenticate(UserFactory())
    second = buyer_client.post("/api/v1/holds/", {"event": event.slug, "seats": seats[:1]}, format="json")

    assert first.status_code == 201 and sorted(first.json()["seats"]) == sorted(seats)
    assert second.status_code == 409 and second.json()["error"]["code"] == "seat_taken"
