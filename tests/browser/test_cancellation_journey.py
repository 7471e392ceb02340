"""Issue 6 item 4 in Chromium, "cancelling with refund": an attendee buys two tickets with the simulated card,
cancels one from "My tickets", sees the refund (and how it changes when ticking the other) before
confirming, then sees the refund's status on the order page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from events.models import TicketType
from events.tests.factories import EventFactory, TicketTypeFactory
from payments.models import Refund
from tests.browser.helpers import sign_in
from tickets.models import Order, Ticket
from tickets.tests.refund_helpers import paid_order, refundable_event, ticket_type_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_attendee_cancels_one_ticket_and_sees_the_refund_before_and_after(
    page: Page, live_server, screenshot, settings
):
    settings.PAYMENT_PROVIDER = "simulated"
    buyer = UserFactory(email="lea@example.com", name="Léa Martin")
    event = EventFactory(
        title="Harbour Lights Festival",
        starts_at=timezone.now() + timedelta(days=20),
        ends_at=timezone.now() + timedelta(days=20, hours=5),
        refund_policy=[{"hours_before": 168, "percent": 100}, {"hours_before": 48, "percent": 50}],
        refund_fee=Decimal("1.50"),
    )
    ticket_type = TicketTypeFactory(event=event, name="Day pass", price=Decimal("32.00"), capacity=50)
    sign_in(page, buyer.email)

    page.goto(f"/events/{event.slug}/")
    page.get_by_label("Number of Day pass tickets").select_option("2")
    page.get_by_role("button", name="Get tickets").click()
    page.get_by_label(re.compile("ticket 1")).fill("Léa Martin")
    page.get_by_label(re.compile("ticket 2")).fill("Hugo Martin")
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/29")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(page.locator(".toast").first).to_contain_text(re.compile("Payment received", re.I))

    page.goto("/tickets/")
    hugo = Ticket.objects.get(attendee_name="Hugo Martin")
    page.get_by_role("link", name=f"Cancel ticket {hugo.serial}").click()

    expect(page.get_by_role("heading", name="Cancel tickets")).to_be_visible()
    expect(page.get_by_label(re.compile("Hugo Martin"))).to_be_checked()
    expect(page.get_by_label(re.compile("Léa Martin"))).not_to_be_checked()
    expect(page.locator("[data-refund-amount]")).to_have_text("30.50 EUR")  # 100 % of 32.00, less the 1.50 fee
    screenshot(page, "cancellation-quote-one-ticket")

    page.get_by_label(re.compile("Léa Martin")).check()  # htmx re-quotes both tickets
    expect(page.locator("[data-refund-amount]")).to_have_text("62.50 EUR")
    page.get_by_label(re.compile("Léa Martin")).uncheck()
    expect(page.locator("[data-refund-amount]")).to_have_text("30.50 EUR")
    page.get_by_role("button", name="Cancel 1 ticket and refund 30.50 EUR").click()

    expect(page.locator(".toast").first).to_contain_text(
        "1 ticket cancelled. 30.50 EUR is being refunded to your card."
    )
    refunds = page.get_by_role("region", name="Refunds")
    expect(refunds).to_contain_text("30.50 EUR")
    expect(refunds).to_contain_text("Refunded")
    expect(page.get_by_text("Partially refunded")).to_be_visible()
    screenshot(page, "cancellation-order-refunded")

    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    assert dict(order.tickets.values_list("attendee_name", "status")) == {
        "Léa Martin": Ticket.Status.VALID,
        "Hugo Martin": Ticket.Status.REFUNDED,
    }
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED
    assert TicketType.objects.get(pk=ticket_type.pk).sold == 1

    page.goto("/tickets/")
    expect(page.get_by_text("Hugo Martin")).to_have_count(0)
    screenshot(page, "cancellation-my-tickets-after")


def test_cancelling_on_a_phone(page: Page, live_server, screenshot, settings):
    settings.PAYMENT_PROVIDER = "simulated"
    order = paid_order(ticket_type=ticket_type_for(refundable_event(title="Night Market", fee="2.00")), quantity=2)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, order.buyer.email)

    page.goto(f"/tickets/orders/{order.code}/cancel/")

    expect(page.locator("[data-refund-amount]")).to_have_text("38.00 EUR")
    screenshot(page, "cancellation-quote-phone")
