"""The browser journey through plain HTTP: choose → names → pay → tickets."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from events.models import TicketType
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Hold, Order, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(client):
    user = UserFactory(name="Ann Buyer")
    client.force_login(user)
    return user


def start(client, ticket_type, quantity=2):
    return client.post(
        reverse("tickets:hold_start", args=[ticket_type.event.slug]), {f"qty-{ticket_type.pk}": quantity}
    )


def test_event_page_offers_a_quantity_picker_and_buy_button(client, buyer):
    ticket_type = TicketTypeFactory(max_per_order=4)

    body = client.get(reverse("events:detail", args=[ticket_type.event.slug])).content.decode()

    assert f'name="qty-{ticket_type.pk}"' in body
    assert '<option value="4">4</option>' in body and '<option value="5">' not in body
    assert reverse("tickets:hold_start", args=[ticket_type.event.slug]) in body


def test_choosing_tickets_reserves_them_and_opens_checkout(client, buyer):
    ticket_type = TicketTypeFactory()

    response = start(client, ticket_type)

    hold = Hold.objects.get()
    assert response.url == reverse("tickets:checkout", args=[hold.public_id])
    assert TicketType.objects.get(pk=ticket_type.pk).held == 2


def test_choosing_nothing_explains_and_reserves_nothing(client, buyer):
    ticket_type = TicketTypeFactory()

    response = start(client, ticket_type, quantity=0)

    assert response.url.startswith(reverse("events:detail", args=[ticket_type.event.slug]))
    assert not Hold.objects.exists()


def test_tampered_quantity_is_refused(client, buyer):
    ticket_type = TicketTypeFactory()

    response = start(client, ticket_type, quantity="2; DROP TABLE")

    assert response.status_code == 302 and not Hold.objects.exists()


def test_anonymous_buyer_is_sent_to_login(client):
    ticket_type = TicketTypeFactory()

    response = start(client, ticket_type)

    assert reverse("accounts:login") in response.url


def test_full_journey_with_the_simulated_card(client, buyer, mailoutbox, django_capture_on_commit_callbacks):
    ticket_type = TicketTypeFactory(price=Decimal("15.00"))
    checkout_url = start(client, ticket_type).url

    names = client.post(checkout_url, {"name_0": "Ann Buyer", "name_1": "Ben Guest"})
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(names.url, {"card_number": "4242 4242 4242 4242", "expiry": "12/29", "cvc": "123"})

    order.refresh_from_db()
    assert names.url == reverse("tickets:pay", args=[order.code])
    assert paid.url == reverse("tickets:order_detail", args=[order.code])
    assert order.status == Order.Status.PAID
    assert sorted(order.tickets.values_list("attendee_name", flat=True)) == ["Ann Buyer", "Ben Guest"]
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}
    assert any(order.code in message.subject or order.code in message.body for message in mailoutbox)


def test_declined_card_shows_an_error_and_keeps_the_reservation(client, buyer):
    ticket_type = TicketTypeFactory()
    checkout_url = start(client, ticket_type).url
    pay_url = client.post(checkout_url, {"name_0": "A", "name_1": "B"}).url

    response = client.post(pay_url, {"card_number": "4000 0000 0000 0002", "expiry": "12/29", "cvc": "123"})

    assert response.status_code == 200
    assert "declined" in response.content.decode().lower()
    assert Order.objects.get().status == Order.Status.PENDING
    assert TicketType.objects.get(pk=ticket_type.pk).held == 2


def test_3d_secure_card_goes_through_the_confirmation_step(client, buyer):
    ticket_type = TicketTypeFactory()
    pay_url = client.post(start(client, ticket_type).url, {"name_0": "A", "name_1": "B"}).url

    response = client.post(pay_url, {"card_number": "4000 0025 0000 3155", "expiry": "12/29", "cvc": "123"})
    confirm = client.post(response.url, {"action": "approve"})

    assert reverse("payments:simulated_authenticate", args=[Order.objects.get().code]) in response.url
    assert confirm.status_code == 302
    assert Order.objects.get().status == Order.Status.PAID


def test_invalid_card_number_is_an_inline_error(client, buyer):
    ticket_type = TicketTypeFactory()
    pay_url = client.post(start(client, ticket_type).url, {"name_0": "A", "name_1": "B"}).url

    response = client.post(pay_url, {"card_number": "1234 5678", "expiry": "13/29", "cvc": "1"})

    form = response.context["form"]
    assert set(form.errors) == {"card_number", "expiry", "cvc"}


def test_free_tickets_skip_payment(client, buyer):
    ticket_type = TicketTypeFactory(price=Decimal("0"))

    response = client.post(start(client, ticket_type, quantity=1).url, {"name_0": "Ann Buyer"})

    order = Order.objects.get()
    assert response.url == reverse("tickets:order_detail", args=[order.code])
    assert order.status == Order.Status.PAID


def test_someone_elses_checkout_and_payment_pages_are_404(client, buyer):
    ticket_type = TicketTypeFactory()
    checkout_url = start(client, ticket_type).url
    pay_url = client.post(checkout_url, {"name_0": "A", "name_1": "B"}).url
    client.force_login(UserFactory())

    assert client.get(pay_url).status_code == 404
    assert client.post(pay_url, {"card_number": "4242424242424242", "expiry": "12/29", "cvc": "123"}).status_code == 404
    assert Order.objects.get().status == Order.Status.PENDING


def test_approval_events_are_not_bought_directly(client, buyer):
    ticket_type = TicketTypeFactory(event=EventFactory(requires_approval=True))

    body = client.get(reverse("events:detail", args=[ticket_type.event.slug])).content.decode()
    start(client, ticket_type)

    assert f'name="qty-{ticket_type.pk}"' not in body and "takes applications" in body
    assert not Hold.objects.exists()


def test_release_button_gives_tickets_back(client, buyer):
    ticket_type = TicketTypeFactory()
    hold_id = re.search(r"checkout/([0-9a-f-]+)/", start(client, ticket_type).url).group(1)

    client.post(reverse("tickets:hold_release", args=[hold_id]))

    assert TicketType.objects.get(pk=ticket_type.pk).held == 0
