"""The simulated 3-D Secure page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from payments.models import Payment
from payments.providers.simulated import decline_message
from payments.services.payments import payment_pay_simulated
from payments.tests.helpers import CARD_3DS, CARD_OK, pending_order
from tickets.models import Order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulated")]


@pytest.fixture
def waiting():
    """An order whose payment waits for the 3-D Secure step."""
    order = pending_order()
    payment_pay_simulated(order=order, card_number=CARD_3DS, now=timezone.now())
    return order


def page(order):
    return reverse("payments:simulated_authenticate", args=[order.code])


def test_the_page_shows_the_amount_to_confirm(client, waiting):
    client.force_login(waiting.buyer)

    response = client.get(page(waiting))

    assert response.status_code == 200
    assert str(waiting.total) in response.content.decode() and waiting.code in response.content.decode()


def test_completing_the_check_pays_and_goes_to_the_order(client, waiting):
    client.force_login(waiting.buyer)

    response = client.post(page(waiting), {"action": "approve"})

    waiting.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("tickets:order_detail", args=[waiting.code])
    assert waiting.status == Order.Status.PAID


def test_failing_the_check_declines_and_keeps_the_order_pending(client, waiting):
    client.force_login(waiting.buyer)

    response = client.post(page(waiting), {"action": "fail"}, follow=True)

    waiting.refresh_from_db()
    assert waiting.status == Order.Status.PENDING
    assert waiting.payments.get().status == Payment.Status.FAILED
    assert [str(message) for message in response.context["messages"]] == [decline_message("authentication_failed")]


def test_next_may_only_point_to_this_site(client, waiting):
    client.force_login(waiting.buyer)

    response = client.post(page(waiting), {"action": "approve", "next": "https://evil.example.com/"})

    assert response.url == reverse("tickets:order_detail", args=[waiting.code])


def test_someone_elses_order_is_404(client, waiting):
    client.force_login(UserFactory())

    assert client.get(page(waiting)).status_code == 404
    assert client.post(page(waiting), {"action": "approve"}).status_code == 404


def test_an_order_with_nothing_to_confirm_is_404(client):
    order = pending_order()
    payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())
    client.force_login(order.buyer)

    assert client.get(page(order)).status_code == 404


def test_the_page_needs_a_signed_in_buyer(client, waiting):
    response = client.get(page(waiting))

    assert response.status_code == 302 and "login" in response.url
