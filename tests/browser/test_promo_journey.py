"""Buying with a promo code in Chromium: the organizer creates a code on the dashboard; a buyer enters it on the
event page, sees a wrong code refused and the right one take its share off at checkout, pays the discounted total
and finds the discount on the receipt; the organizer sees the use and the revenue."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketTypeFactory
from tests.browser.helpers import sign_in, sign_out
from tickets.models import Order, PromoCode

pytestmark = pytest.mark.django_db(transaction=True)


def test_buying_with_a_promo_code(page: Page, live_server, screenshot):
    organizer = UserFactory(organizer=True, email="olga@example.com", name="Olga Organizer")
    event = EventFactory(organizer=organizer, title="Harbour Lights Festival", currency="EUR")
    TicketTypeFactory(event=event, name="Day pass", price=Decimal("40.00"), capacity=100)
    buyer = UserFactory(email="amara@example.com", name="Amara Okafor")

    # The organizer creates a 25 % code limited to 50 uses.
    sign_in(page, organizer.email)
    page.goto(f"/dashboard/events/{event.pk}/promo-codes/")
    page.get_by_label(re.compile(r"^Code")).fill("harbour25")
    page.get_by_label("Percentage off").check()
    page.get_by_label("Discount", exact=True).fill("25")
    page.get_by_label("Max uses").fill("50")
    page.get_by_role("button", name="Create code").click()
    expect(page.locator(".toast").first).to_contain_text("HARBOUR25 is ready to share")
    expect(page.locator(".promo-code", has_text="HARBOUR25")).to_be_visible()
    sign_out(page)

    # The buyer types the code on the event page and chooses two tickets.
    sign_in(page, buyer.email)
    page.goto(f"/events/{event.slug}/")
    page.get_by_label("Have a promo code?").fill("harbour25")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status").filter(has_text="will be applied at checkout")).to_be_visible()
    page.get_by_label("Number of Day pass tickets").select_option("2")
    screenshot(page, "promo-event")
    page.get_by_role("button", name="Get tickets").click()

    # At checkout the code is already applied; a wrong code is refused next to the field.
    expect(page).to_have_url(re.compile(r"/tickets/checkout/.+promo_code=HARBOUR25"))
    expect(page.locator("#promo-feedback")).to_contain_text("you save €20.00 and pay €60.00")
    page.get_by_label("Promo code").fill("NOPE")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#promo-feedback")).to_contain_text("We don't know this code")
    expect(page.locator("#checkout-summary")).to_contain_text("€80.00")
    screenshot(page, "promo-checkout-refused")
    page.get_by_label("Promo code").fill("harbour25")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#checkout-summary")).to_contain_text("Promo code HARBOUR25")
    expect(page.locator("#checkout-summary tfoot")).to_contain_text("€60.00")
    page.get_by_label(re.compile("ticket 2")).fill("Chidi Okafor")
    screenshot(page, "promo-checkout-applied")
    page.get_by_role("button", name="Continue to payment").click()

    # The payment page charges the discounted total.
    expect(page).to_have_url(re.compile(r"/pay/"))
    expect(page.locator(".order-summary")).to_contain_text("−€20.00")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/29")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(page.locator(".toast").first).to_contain_text(re.compile("Payment received", re.I))
    expect(page.get_by_text("Promo code HARBOUR25")).to_be_visible()
    screenshot(page, "promo-receipt")

    order = Order.objects.get()
    assert (order.status, order.discount, order.total) == (Order.Status.PAID, Decimal("20.00"), Decimal("60.00"))
    assert PromoCode.objects.get().uses == 1

    # The organizer sees the use, the discount given and the revenue.
    sign_out(page)
    sign_in(page, organizer.email)
    page.goto(f"/dashboard/events/{event.pk}/promo-codes/")
    row = page.locator("tr", has_text="HARBOUR25")
    expect(row).to_contain_text("1 / 50")
    expect(row).to_contain_text("€20.00")
    expect(row).to_contain_text("€60.00")
    screenshot(page, "promo-organizer")
