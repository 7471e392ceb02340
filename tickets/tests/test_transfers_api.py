"""Transfers and new QR codes through the API: the error shape, per-object authorisation (404), idempotency."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from tickets.models import Ticket, TicketTransfer
from tickets.services.transfers import transfer_accept
from tickets.tests.helpers_transfers import a_ticket, offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    return a_ticket()


@pytest.fixture
def recipient():
    return UserFactory(email="ben@example.com", name="Ben Adeyemi")


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def transfer_url(ticket, suffix="") -> str:
    return f"/api/v1/tickets/{ticket.pk}/transfer/{suffix}"


BODY = {"to_email": "ben@example.com", "to_name": "Ben Adeyemi", "message": "Enjoy!"}


# --- offer, look, cancel -----------------------------------------------------------------------------------


def test_post_transfer_offers_the_ticket(api_client, ticket):
    response = as_user(api_client, ticket.order.buyer).post(transfer_url(ticket), BODY, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["to_email"] == "ben@example.com" and body["ticket"] == ticket.pk
    assert "token" not in body and "token_hash" not in body


def test_get_transfer_shows_the_open_one_or_404(api_client, ticket):
    client = as_user(api_client, ticket.order.buyer)
    assert client.get(transfer_url(ticket)).status_code == 404

    offer(ticket)

    assert client.get(transfer_url(ticket)).json()["to_name"] == "Ben Adeyemi"


@pytest.mark.parametrize("method", ["get", "post"])
def test_transfer_of_someone_elses_ticket_is_404(api_client, ticket, method):
    response = getattr(as_user(api_client, UserFactory()), method)(transfer_url(ticket), BODY, format="json")

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_transfer_needs_authentication(api_client, ticket):
    assert api_client.post(transfer_url(ticket), BODY, format="json").status_code == 401


def test_transfer_to_yourself_is_422_with_the_field(api_client, ticket):
    body = {**BODY, "to_email": ticket.order.buyer.email}

    response = as_user(api_client, ticket.order.buyer).post(transfer_url(ticket), body, format="json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "transfer_to_self" and "to_email" in response.json()["error"]["fields"]


def test_a_second_transfer_is_409(api_client, ticket):
    client = as_user(api_client, ticket.order.buyer)
    client.post(transfer_url(ticket), BODY, format="json")

    response = client.post(transfer_url(ticket), {**BODY, "to_email": "carla@example.com"}, format="json")

    assert response.status_code == 409 and response.json()["error"]["code"] == "transfer_pending"


def test_transfer_for_an_event_without_transfers_is_422(api_client):
    ticket = a_ticket(transfers_enabled=False)

    response = as_user(api_client, ticket.order.buyer).post(transfer_url(ticket), BODY, format="json")

    assert response.status_code == 422 and response.json()["error"]["code"] == "transfers_disabled"


@pytest.mark.parametrize(
    "body",
    [{}, {**BODY, "to_email": "not-an-email"}, {**BODY, "to_name": ""}, {**BODY, "message": "x" * 501},
     {**BODY, "to_email": ["a@b.c"]}],
)  # fmt: skip
def test_bad_transfer_input_is_400_and_changes_nothing(api_client, ticket, body):
    response = as_user(api_client, ticket.order.buyer).post(transfer_url(ticket), body, format="json")

    assert response.status_code == 400 and response.json()["error"]["fields"]
    assert not TicketTransfer.objects.exists()


def test_cancel_takes_the_transfer_back_and_repeating_it_is_harmless(api_client, ticket):
    client = as_user(api_client, ticket.order.buyer)
    client.post(transfer_url(ticket), BODY, format="json")

    first = client.post(transfer_url(ticket, "cancel/"))
    second = client.post(transfer_url(ticket, "cancel/"))

    assert first.status_code == second.status_code == 200
    assert second.json()["status"] == "cancelled"


def test_cancel_without_a_transfer_is_404(api_client, ticket):
    assert as_user(api_client, ticket.order.buyer).post(transfer_url(ticket, "cancel/")).status_code == 404


def test_cancel_by_the_previous_holder_after_acceptance_is_404(api_client, ticket, recipient):
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())

    # The sender no longer holds the ticket, so it is not theirs to address at all.
    assert as_user(api_client, ticket.order.buyer).post(transfer_url(ticket, "cancel/")).status_code == 404


# --- accept -----------------------------------------------------------------------------------------------


ACCEPT = "/api/v1/tickets/transfers/accept/"


def test_accept_returns_the_ticket_with_its_new_code(api_client, ticket, recipient):
    transfer = offer(ticket)
    client = as_user(api_client, ticket.order.buyer)
    old_payload = client.get(f"/api/v1/tickets/{ticket.pk}/").json()["qr_payload"]

    response = as_user(api_client, recipient).post(ACCEPT, {"token": transfer.token}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ticket.pk and body["attendee_name"] == "Ben Adeyemi"
    assert body["qr_payload"] and body["qr_payload"] != old_payload


def test_accept_is_idempotent(api_client, ticket, recipient):
    transfer = offer(ticket)
    client = as_user(api_client, recipient)

    first = client.post(ACCEPT, {"token": transfer.token, "attendee_name": "Ben A."}, format="json")
    second = client.post(ACCEPT, {"token": transfer.token}, format="json")

    assert first.status_code == second.status_code == 200
    assert first.json()["qr_payload"] == second.json()["qr_payload"]


def test_accept_by_another_account_is_403(api_client, ticket):
    transfer = offer(ticket)

    response = as_user(api_client, UserFactory()).post(ACCEPT, {"token": transfer.token}, format="json")

    assert response.status_code == 403 and response.json()["error"]["code"] == "transfer_wrong_account"


def test_accept_with_a_bad_token_is_404(api_client, recipient):
    response = as_user(api_client, recipient).post(ACCEPT, {"token": "nope"}, format="json")

    assert response.status_code == 404


def test_accept_of_a_cancelled_transfer_is_410(api_client, ticket, recipient):
    transfer = offer(ticket)
    as_user(api_client, ticket.order.buyer).post(transfer_url(ticket, "cancel/"))

    response = as_user(api_client, recipient).post(ACCEPT, {"token": transfer.token}, format="json")

    assert response.status_code == 410 and response.json()["error"]["code"] == "transfer_not_open"


def test_accept_needs_authentication(api_client, ticket):
    assert api_client.post(ACCEPT, {"token": offer(ticket).token}, format="json").status_code == 401


# --- who sees what afterwards ----------------------------------------------------------------------------------


def test_after_a_transfer_the_ticket_lists_follow_the_holder(api_client, ticket, recipient):
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())

    buyer_list = as_user(api_client, ticket.order.buyer).get("/api/v1/tickets/").json()
    buyer_detail = api_client.get(f"/api/v1/tickets/{ticket.pk}/")
    order = api_client.get(f"/api/v1/orders/{ticket.order.code}/").json()
    recipient_list = as_user(api_client, recipient).get("/api/v1/tickets/").json()

    assert buyer_list["count"] == 0
    assert buyer_detail.status_code == 404
    assert order["tickets"][0]["transferred"] is True and order["tickets"][0]["qr_payload"] is None
    assert [row["id"] for row in recipient_list["results"]] == [ticket.pk]


# --- reissue ---------------------------------------------------------------------------------------------


def reissue_url(ticket) -> str:
    return f"/api/v1/tickets/{ticket.pk}/reissue/"


def test_holder_reissue_gives_a_new_code(api_client, ticket):
    client = as_user(api_client, ticket.order.buyer)
    before = client.get(f"/api/v1/tickets/{ticket.pk}/").json()["qr_payload"]

    response = client.post(reissue_url(ticket), {}, format="json")

    assert response.status_code == 200 and response.json()["qr_payload"] != before
    assert Ticket.objects.get(pk=ticket.pk).version == 2


def test_organizer_reissue_gives_a_new_code_with_the_reason(api_client, ticket):
    response = as_user(api_client, ticket.event.organizer).post(
        reissue_url(ticket), {"reason": "Shared online"}, format="json"
    )

    assert response.status_code == 200 and Ticket.objects.get(pk=ticket.pk).version == 2


@pytest.mark.parametrize("who", ["stranger", "other_organizer"])
def test_reissue_by_anyone_else_is_404(api_client, ticket, who):
    user = UserFactory() if who == "stranger" else UserFactory(organizer=True)

    response = as_user(api_client, user).post(reissue_url(ticket), {}, format="json")

    assert response.status_code == 404 and Ticket.objects.get(pk=ticket.pk).version == 1


def test_holder_reissue_refusal_is_422(api_client, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.UNPAID)

    response = as_user(api_client, ticket.order.buyer).post(reissue_url(ticket), {}, format="json")

    assert response.status_code == 422 and response.json()["error"]["code"] == "ticket_not_reissuable"
