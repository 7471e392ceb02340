"""Payments API through its URLs: paying an order, and who may read which payment history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from payments.models import Payment
from payments.services.payments import payment_pay_simulated
from payments.tests.helpers import CARD_3DS, CARD_DECLINED, CARD_OK, pending_order
from tickets.models import Order

pytestmark = pytest.mark.django_db


def pay(api_client, order, **data):
    return api_client.post(reverse("order-pay", args=[order.code]), data, format="json")


@pytest.fixture
def buyer_client(api_client):
    def login(order):
        api_client.force_authenticate(order.buyer)
        return api_client

    return login


# --- paying ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("simulated")
def test_pay_with_a_test_card_answers_200_and_the_order_is_paid(buyer_client):
    order = pending_order()

    response = pay(buyer_client(order), order, card_number="4242 4242 4242 4242")

    body = response.json()
    assert response.status_code == 200, body
    assert body["order"] == {"code": order.code, "status": "paid"}
    assert body["payment"]["status"] == "succeeded" and body["payment"]["amount"] == str(order.total)
    assert body["next_action"] is None
    assert "client_secret" not in body["payment"] and "card_number" not in response.content.decode()


@pytest.mark.usefixtures("simulated")
def test_pay_with_a_declined_card_answers_402_in_the_error_shape(buyer_client):
    order = pending_order()

    response = pay(buyer_client(order), order, card_number=CARD_DECLINED)

    order.refresh_from_db()
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "card_declined"
    assert response.json()["error"]["message"]
    assert order.status == Order.Status.PENDING


@pytest.mark.usefixtures("simulated")
def test_pay_with_a_3d_secure_card_answers_the_next_step(buyer_client):
    order = pending_order()

    response = pay(buyer_client(order), order, card_number=CARD_3DS)

    body = response.json()
    assert response.status_code == 200
    assert body["payment"]["status"] == "requires_action" and body["order"]["status"] == "pending"
    assert body["next_action"]["type"] == "authenticate"
    assert body["next_action"]["url"].endswith(reverse("payments:simulated_authenticate", args=[order.code]))
    assert body["next_action"]["confirm_url"].endswith(reverse("order-pay-confirm", args=[order.code]))


@pytest.mark.usefixtures("simulated")
def test_the_confirm_step_finishes_a_3d_secure_payment(buyer_client):
    order = pending_order()
    client = buyer_client(order)
    pay(client, order, card_number=CARD_3DS)

    response = client.post(reverse("order-pay-confirm", args=[order.code]), {"approve": True}, format="json")

    assert response.status_code == 200
    assert response.json()["order"]["status"] == "paid"


@pytest.mark.usefixtures("simulated")
@pytest.mark.parametrize("number", ["4242 4242 4242 4241", "abc", "42"])
def test_pay_with_an_invalid_card_number_is_a_field_error(buyer_client, number):
    order = pending_order()

    response = pay(buyer_client(order), order, card_number=number)

    assert response.status_code == 400
    assert "card_number" in response.json()["error"]["fields"]
    assert number not in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.usefixtures("simulated")
def test_pay_needs_a_card_number_with_the_simulated_provider(buyer_client):
    order = pending_order()

    response = pay(buyer_client(order), order)

    assert response.status_code == 400 and "card_number" in response.json()["error"]["fields"]


@pytest.mark.usefixtures("simulated")
def test_only_the_buyer_can_pay_an_order(api_client):
    order = pending_order()
    api_client.force_authenticate(UserFactory())

    response = pay(api_client, order, card_number=CARD_OK)

    assert response.status_code == 404
    assert not Payment.objects.exists()


@pytest.mark.usefixtures("simulated")
def test_paying_a_paid_order_answers_409(buyer_client):
    order = pending_order()
    client = buyer_client(order)
    pay(client, order, card_number=CARD_OK)

    response = pay(client, order, card_number=CARD_OK)

    assert response.status_code == 409 and response.json()["error"]["code"] == "order_already_paid"


def test_pay_requires_authentication(api_client):
    order = pending_order()

    response = pay(api_client, order, card_number=CARD_OK)

    assert response.status_code == 401


def test_with_stripe_pay_answers_what_elements_needs(buyer_client, stripe_api):
    order = pending_order()

    response = pay(buyer_client(order), order)

    body = response.json()
    payment = Payment.objects.get()
    assert response.status_code == 200, body
    assert body["next_action"]["type"] == "stripe_confirm"
    assert body["next_action"]["client_secret"] == payment.client_secret != ""
    assert body["next_action"]["publishable_key"] == "pk_test_eventhorizon"
    assert body["payment"]["provider"] == "stripe" and body["payment"]["status"] == "pending"


def test_with_stripe_card_numbers_are_refused(buyer_client, stripe_api):
    order = pending_order()

    response = pay(buyer_client(order), order, card_number=CARD_OK)

    assert response.status_code == 422 and response.json()["error"]["code"] == "wrong_payment_provider"
    assert not Payment.objects.exists()


# --- reading --------------------------------------------------------------------------------------


def paid_order(**kwargs):
    order = pending_order(**kwargs)
    payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())
    return order


@pytest.mark.usefixtures("simulated")
def test_my_payments_lists_only_mine_without_client_secrets(api_client, django_assert_max_num_queries):
    mine = paid_order()
    paid_order()
    for _ in range(3):
        paid_order(buyer=mine.buyer)
    api_client.force_authenticate(mine.buyer)

    with django_assert_max_num_queries(6):
        response = api_client.get(reverse("payment-list"))

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 4
    assert {row["order"] for row in body["results"]} == set(mine.buyer.orders.values_list("code", flat=True))
    assert all("client_secret" not in row for row in body["results"])


@pytest.mark.usefixtures("simulated")
def test_user_payments_are_visible_to_the_user_themselves(api_client):
    order = paid_order()
    api_client.force_authenticate(order.buyer)

    response = api_client.get(reverse("payment-list-user", args=[order.buyer.pk]))

    assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.usefixtures("simulated")
def test_user_payments_are_visible_to_an_admin(api_client):
    order = paid_order()
    api_client.force_authenticate(UserFactory(admin=True))

    response = api_client.get(reverse("payment-list-user", args=[order.buyer.pk]))

    assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.usefixtures("simulated")
def test_someone_elses_payments_answer_404(api_client):
    order = paid_order()
    api_client.force_authenticate(UserFactory())

    response = api_client.get(reverse("payment-list-user", args=[order.buyer.pk]))

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.usefixtures("simulated")
@pytest.mark.parametrize("viewer", ["buyer", "organizer", "admin"])
def test_ticket_payments_are_visible_to_buyer_organizer_and_admin(api_client, viewer):
    order = paid_order()
    ticket = order.tickets.first()
    users = {"buyer": order.buyer, "organizer": order.event.organizer, "admin": UserFactory(admin=True)}
    api_client.force_authenticate(users[viewer])

    response = api_client.get(reverse("payment-list-ticket", args=[ticket.pk]))

    assert response.status_code == 200
    assert [row["order"] for row in response.json()["results"]] == [order.code]


@pytest.mark.usefixtures("simulated")
@pytest.mark.parametrize("viewer", ["stranger", "other_organizer"])
def test_ticket_payments_answer_404_to_anyone_else(api_client, viewer):
    order = paid_order()
    users = {"stranger": UserFactory(), "other_organizer": UserFactory(organizer=True)}
    api_client.force_authenticate(users[viewer])

    response = api_client.get(reverse("payment-list-ticket", args=[order.tickets.first().pk]))

    assert response.status_code == 404


def test_unknown_ticket_answers_404(api_client):
    api_client.force_authenticate(UserFactory(admin=True))

    response = api_client.get(reverse("payment-list-ticket", args=[999999]))

    assert response.status_code == 404
