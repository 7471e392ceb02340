"""Issue 4 end to end in Chromium: choose 2 tickets → names → pay with the simulated card → tickets
with QR codes in "My tickets"; a declined card shows a clear error and keeps the reservation."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from events.models import TicketType
from events.tests.factories import TicketTypeFactory
from tests.browser.helpers import expect_image_loaded, sign_in
from tickets.models import Order, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_attendee_buys_two_tickets_and_sees_them_with_qr_codes(page: Page, live_server, screenshot):
    buyer = UserFactory(email="amara@example.com", name="Amara Okafor")
    ticket_type = TicketTypeFactory(name="Standing", price=Decimal("24.50"), capacity=50)
    sign_in(page, buyer.email)

    page.goto(f"/events/{ticket_type.event.slug}/")
    page.get_by_label("Number of Standing tickets").select_option("2")
    screenshot(page, "purchase-event")
    page.get_by_role("button", name="Get tickets").click()
    expect(page).to_have_url(re.compile(r"/tickets/checkout/"))
    expect(page.get_by_role("timer")).to_be_visible()
    page.get_by_label(re.compile("ticket 1")).fill("Amara Okafor")
    page.get_by_label(re.compile("ticket 2")).fill("Chidi Okafor")
    screenshot(page, "purchase-checkout")
    page.get_by_role("button", name="Continue to payment").click()

    expect(page).to_have_url(re.compile(r"/pay/"))
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_label("Expiry (MM/YY)").fill("12/29")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(page.get_by_role("alert").first).to_contain_text(re.compile("declined", re.I))
    screenshot(page, "purchase-declined")
    assert Order.objects.get().status == Order.Status.PENDING
    assert TicketType.objects.get(pk=ticket_type.pk).held == 2

    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/29")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(page.locator(".toast").first).to_contain_text(re.compile("Payment received", re.I))
    screenshot(page, "purchase-confirmation")

    page.goto("/tickets/")
    expect(page.get_by_text("Chidi Okafor")).to_be_visible()
    qr_codes = page.get_by_role("img", name=re.compile("QR code of ticket"))
    expect(qr_codes).to_have_count(2)
    for index in range(2):
        expect_image_loaded(qr_codes.nth(index))
    screenshot(page, "purchase-my-tickets")
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}
    ticket_type.refresh_from_db()
    assert (ticket_type.sold, ticket_type.held) == (2, 0)
