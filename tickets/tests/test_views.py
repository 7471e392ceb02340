"""My tickets, order history and receipts, and QR images: only for their owner."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketTypeFactory
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout, order_mark_paid

pytestmark = pytest.mark.django_db


def paid_order(buyer, quantity=2, ticket_type=None):
    ticket_type = ticket_type or TicketTypeFactory()
    now = timezone.now()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, quantity)], now=now)
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=[f"Guest {i}" for i in range(quantity)], now=now)
    order_mark_paid(order_id=order.pk, now=now)
    return order


def test_my_tickets_lists_my_paid_tickets_with_qr(client):
    buyer = UserFactory()
    order = paid_order(buyer)
    client.force_login(buyer)

    response = client.get(reverse("tickets:my_tickets"))

    body = response.content.decode()
    assert order.event.title in body
    for ticket in order.tickets.all():
        assert ticket.serial in body and reverse("tickets:qr", args=[ticket.pk]) in body


@pytest.mark.parametrize("orders", [1, 8])
def test_my_tickets_query_count_does_not_grow(client, django_assert_max_num_queries, orders):
    buyer = UserFactory()
    for _ in range(orders):
        paid_order(buyer)
    client.force_login(buyer)

    with django_assert_max_num_queries(6):
        client.get(reverse("tickets:my_tickets"))


def test_qr_image_is_a_png_for_the_owner_only(client):
    buyer = UserFactory()
    ticket = paid_order(buyer, quantity=1).tickets.get()
    client.force_login(buyer)
    mine = client.get(reverse("tickets:qr", args=[ticket.pk]))
    client.force_login(UserFactory())
    theirs = client.get(reverse("tickets:qr", args=[ticket.pk]))

    assert mine.status_code == 200 and mine["Content-Type"] == "image/png" and mine.content[:4] == b"\x89PNG"
    assert theirs.status_code == 404


def test_order_receipt_is_private(client):
    buyer = UserFactory()
    order = paid_order(buyer)
    client.force_login(buyer)
    mine = client.get(reverse("tickets:order_detail", args=[order.code]))
    client.force_login(UserFactory())
    theirs = client.get(reverse("tickets:order_detail", args=[order.code]))

    assert mine.status_code == 200 and order.code in mine.content.decode()
    assert theirs.status_code == 404


def test_order_history_lists_orders(client):
    buyer = UserFactory()
    order = paid_order(buyer)
    client.force_login(buyer)

    response = client.get(reverse("tickets:order_list"))

    assert order.code in response.content.decode()


def test_pages_need_login(client):
    response = client.get(reverse("tickets:my_tickets"))

    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_ticket_qr_carries_a_signed_code_of_this_ticket(api_client):
    from tickets.signing import verify_code

    buyer = UserFactory()
    ticket = paid_order(buyer, quantity=1).tickets.get()
    api_client.force_authenticate(buyer)

    body = api_client.get(f"/api/v1/tickets/{ticket.pk}/").json()

    code = verify_code(body["qr_payload"])
    assert (code.ticket_id, code.event_id, code.version) == (ticket.pk, ticket.event_id, ticket.version)
    assert body["qr_png"] == reverse("tickets:qr", args=[ticket.pk])
