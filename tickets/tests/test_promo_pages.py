"""Promo codes in the browser journey through plain HTTP: the event page, the checkout field (with and without
htmx), the discount on the payment page and the receipt, and the admin."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Hold, Order, PromoCode
from tickets.tests.factories import PromoCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(client):
    user = UserFactory(name="Ann Buyer")
    client.force_login(user)
    return user


def start(client, ticket_type, quantity=2, code=""):
    return client.post(
        reverse("tickets:hold_start", args=[ticket_type.event.slug]), {f"qty-{ticket_type.pk}": quantity, "code": code}
    )


def checkout_url(hold) -> str:
    return reverse("tickets:checkout", args=[hold.public_id])


def names(quantity=2) -> dict:
    return {f"name_{index}": f"Guest {index}" for index in range(quantity)}


def test_event_page_says_a_promo_code_will_be_applied_at_checkout(client, buyer):
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, code="SPRING")

    body = client.get(reverse("events:detail", args=[ticket_type.event.slug]) + "?code=spring").content.decode()

    assert "will be applied at checkout" in body
    assert "doesn't unlock any tickets" not in body


def test_event_page_reveals_hidden_types_for_an_unlocking_promo_code(client, buyer):
    event = EventFactory()
    TicketTypeFactory(event=event, name="Crew pass", is_hidden=True, unlock_code="CREW")
    PromoCodeFactory(event=event, code="FRIENDS", unlocks_hidden=True)

    hidden = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    shown = client.get(reverse("events:detail", args=[event.slug]) + "?code=friends").content.decode()

    assert "Crew pass" not in hidden
    assert "Crew pass" in shown and "Unlocked with your code" in shown


def test_event_page_offers_a_promo_code_box_when_tickets_are_on_sale(client, buyer):
    ticket_type = TicketTypeFactory()

    body = client.get(reverse("events:detail", args=[ticket_type.event.slug])).content.decode()

    assert "Have a promo code?" in body


def test_a_promo_code_from_the_event_page_is_prefilled_and_previewed_at_checkout(client, buyer):
    ticket_type = TicketTypeFactory(price=Decimal("20.00"))
    PromoCodeFactory(event=ticket_type.event, code="SPRING", value=Decimal("25"))

    response = start(client, ticket_type, code="spring")
    page = client.get(response.url)

    hold = Hold.objects.get()
    assert response.url == checkout_url(hold) + "?promo_code=SPRING"
    body = page.content.decode()
    assert 'value="SPRING"' in body
    assert "you save <strong>€10.00</strong>" in body
    assert page.context["summary"]["total"] == Decimal("30.00")


def test_checkout_with_a_promo_code_makes_a_discounted_order_and_shows_it_on_the_payment_page(client, buyer):
    ticket_type = TicketTypeFactory(price=Decimal("20.00"))
    PromoCodeFactory(event=ticket_type.event, code="SPRING", value=Decimal("25"))
    start(client, ticket_type)
    hold = Hold.objects.get()

    response = client.post(checkout_url(hold), {**names(), "promo_code": "spring"})

    order = Order.objects.get()
    assert response.url == reverse("tickets:pay", args=[order.code])
    assert (order.discount, order.total, order.discount_label) == (
        Decimal("10.00"),
        Decimal("30.00"),
        "Promo code SPRING",
    )
    pay = client.get(response.url).content.decode()
    assert "Promo code SPRING" in pay and "−€10.00" in pay


def test_checkout_with_a_refused_code_explains_next_to_the_field_and_orders_nothing(client, buyer):
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, code="USEDUP", max_uses=1, uses=1)
    start(client, ticket_type)
    hold = Hold.objects.get()

    response = client.post(checkout_url(hold), {**names(), "promo_code": "usedup"})

    assert response.status_code == 200
    assert response.context["promo"].error == "This code has been used up."
    assert 'id="promo-feedback"' in response.content.decode()
    assert not Order.objects.exists()


def test_apply_without_javascript_previews_and_keeps_the_typed_names(client, buyer):
    ticket_type = TicketTypeFactory(price=Decimal("10.00"))
    PromoCodeFactory(event=ticket_type.event, code="FIVE", kind="fixed", value=Decimal("5"))
    start(client, ticket_type)
    hold = Hold.objects.get()

    response = client.post(
        checkout_url(hold), {"name_0": "Ann", "name_1": "", "promo_code": "five", "apply_promo": "1"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["promo"].applied
    assert 'value="Ann"' in body and "is-invalid" not in body.split('id="promo"')[0]
    assert not Order.objects.exists()


def test_apply_with_htmx_returns_the_field_and_the_summary_out_of_band(client, buyer):
    ticket_type = TicketTypeFactory(price=Decimal("10.00"))
    PromoCodeFactory(event=ticket_type.event, code="FIVE", kind="fixed", value=Decimal("5"))
    start(client, ticket_type)
    hold = Hold.objects.get()

    response = client.post(
        reverse("tickets:checkout_promo", args=[hold.public_id]), {"promo_code": "five"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert 'id="promo"' in body
    assert 'id="checkout-summary" hx-swap-oob="true"' in body
    assert "−€5.00" in body and "€15.00" in body
    assert PromoCode.objects.get().uses == 0


def test_apply_with_htmx_shows_why_a_code_is_refused(client, buyer):
    ticket_type = TicketTypeFactory()
    start(client, ticket_type)
    hold = Hold.objects.get()

    response = client.post(reverse("tickets:checkout_promo", args=[hold.public_id]), {"promo_code": "nope"})

    assert "We don&#x27;t know this code" in response.content.decode()


def test_apply_on_another_buyers_hold_answers_404(client, buyer):
    ticket_type = TicketTypeFactory()
    start(client, ticket_type)
    hold = Hold.objects.get()
    client.force_login(UserFactory())

    response = client.post(reverse("tickets:checkout_promo", args=[hold.public_id]), {"promo_code": "x"})

    assert response.status_code == 404


def test_receipt_shows_the_discount_with_its_label(client, buyer):
    ticket_type = TicketTypeFactory(price=Decimal("20.00"))
    PromoCodeFactory(event=ticket_type.event, code="SPRING", value=Decimal("50"))
    start(client, ticket_type)
    client.post(checkout_url(Hold.objects.get()), {**names(), "promo_code": "SPRING"})
    order = Order.objects.get()

    body = client.get(reverse("tickets:order_detail", args=[order.code])).content.decode()

    assert "Promo code SPRING" in body and "−20.00" in body


def test_admin_lists_codes_and_deactivates_them_through_the_service(client):
    admin = UserFactory(admin=True)
    client.force_login(admin)
    promo = PromoCodeFactory(code="ADMINME")

    listing = client.get(reverse("admin:tickets_promocode_changelist") + "?q=adminme")
    detail = client.get(reverse("admin:tickets_promocode_change", args=[promo.pk]))
    client.post(
        reverse("admin:tickets_promocode_changelist"),
        {"action": "deactivate_codes", ACTION_CHECKBOX_NAME: [promo.pk]},
    )

    assert "ADMINME" in listing.content.decode()
    assert detail.status_code == 200
    assert PromoCode.objects.get(pk=promo.pk).is_active is False
    assert AuditLogEntry.objects.filter(action="promo_code.deactivated", actor=admin).exists()
