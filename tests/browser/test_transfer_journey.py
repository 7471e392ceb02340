"""Issue 6 item 5 in Chromium: a holder sends a ticket by e-mail; the recipient opens the link, signs up with that
address, verifies it, comes straight back, accepts, and sees the ticket with a new QR code; the buyer's copy
stops working and their receipt says where the ticket went. Then the new holder asks for a new QR code."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.helpers import expect_image_loaded, sign_in, sign_out
from tickets.models import Ticket, TicketTransfer
from tickets.tests.helpers_transfers import a_ticket

pytestmark = pytest.mark.django_db(transaction=True)

RECIPIENT = "ben.adeyemi@example.com"
PASSWORD = "Quiet-lantern-harbour-73"
MOBILE = {"width": 390, "height": 844}


def toast(page: Page, text: str):
    return page.locator("#toasts").get_by_role("status").filter(has_text=text)


def last_mail_to(address: str):
    return next(message for message in reversed(mail.outbox) if message.to == [address])


def test_holder_transfers_a_ticket_and_the_recipient_signs_up_and_accepts(page: Page, browser, live_server, screenshot):
    ticket = a_ticket(name="Amara Okafor")
    buyer = ticket.order.buyer
    sign_in(page, buyer.email)

    # The holder sends the ticket from "My tickets".
    page.goto("/tickets/")
    expect(page.get_by_text("Amara Okafor")).to_be_visible()
    page.get_by_role("link", name=f"Transfer ticket {ticket.serial}").click()
    expect(page.get_by_role("heading", name="Transfer this ticket")).to_be_visible()
    page.get_by_label("Their name").fill("Ben Adeyemi")
    page.get_by_label("Their e-mail address").fill(RECIPIENT)
    page.get_by_label("A message for them").fill("I can't make it — have a great night!")
    screenshot(page, "transfer-form")
    page.get_by_role("button", name="Send the ticket").click()
    expect(toast(page, f"We e-mailed the ticket to {RECIPIENT}")).to_be_visible()
    expect(page.get_by_text("waiting for them to accept")).to_be_visible()
    screenshot(page, "transfer-pending")

    # The e-mailed link, opened by someone without an account.
    link = re.search(r"https?://\S+/tickets/transfers/[\w-]+/", last_mail_to(RECIPIENT).body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    sign_out(page)
    page.goto(path)
    expect(page.get_by_role("heading", name="A ticket for you")).to_be_visible()
    expect(page.get_by_text("have a great night")).to_be_visible()
    screenshot(page, "transfer-accept-visitor")
    mobile = browser.new_context(viewport=MOBILE, is_mobile=True, has_touch=True, base_url=live_server.url)
    try:
        mobile_page = mobile.new_page()
        mobile_page.goto(path)
        expect(mobile_page.get_by_role("link", name="Create an account")).to_be_visible()
        screenshot(mobile_page, "transfer-accept-mobile")
    finally:
        mobile.close()

    # Sign up with the prefilled address, verify it, and land back on the link.
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_label("E-mail address", exact=True)).to_have_value(RECIPIENT)
    page.get_by_label("Full name", exact=True).fill("Ben Adeyemi")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/verify/$"))
    code = re.search(r"\b(\d{6})\b", last_mail_to(RECIPIENT).body).group(1)
    page.get_by_label("6-digit code", exact=True).fill(code)
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page).to_have_url(live_server.url + path)
    expect(page.get_by_label("Name on the ticket")).to_have_value("Ben Adeyemi")
    screenshot(page, "transfer-accept-signed-in")

    # Accept: the ticket is theirs with a new QR code.
    page.get_by_role("button", name="Accept the ticket").click()
    expect(toast(page, "The ticket is yours")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/tickets/#ticket-\d+$"))
    expect(page.get_by_text("Ben Adeyemi", exact=True)).to_be_visible()
    ticket.refresh_from_db()  # reissued: a new version and a new serial
    qr = page.get_by_role("img", name=f"QR code of ticket {ticket.serial}")
    expect_image_loaded(qr)
    assert qr.get_attribute("src").endswith("?v=2")
    screenshot(page, "transfer-accepted")
    ticket.refresh_from_db()
    recipient = User.objects.get(email=RECIPIENT)
    assert (ticket.holder, ticket.version, ticket.attendee_name) == (recipient, 2, "Ben Adeyemi")
    assert TicketTransfer.objects.get().status == TicketTransfer.Status.ACCEPTED

    # The new holder asks for a new QR code.
    page.get_by_role("link", name=f"Get a new QR code for ticket {ticket.serial}").click()
    expect(page.get_by_role("heading", name="Get a new QR code")).to_be_visible()
    screenshot(page, "reissue-confirm")
    page.get_by_role("button", name="Get a new QR code").click()
    expect(toast(page, "Your ticket has a new QR code")).to_be_visible()
    ticket.refresh_from_db()  # a new serial again (the toast means the reissue is committed)
    expect(page.get_by_role("img", name=f"QR code of ticket {ticket.serial}")).to_have_attribute(
        "src", re.compile(r"\?v=3$")
    )
    assert Ticket.objects.get(pk=ticket.pk).version == 3

    # The buyer no longer has the ticket; the receipt says where it went.
    sign_out(page)
    sign_in(page, buyer.email)
    page.goto("/tickets/")
    expect(page.get_by_text("No upcoming tickets yet.")).to_be_visible()
    page.goto(f"/tickets/orders/{ticket.order.code}/")
    expect(page.get_by_text("Transferred to b…@example.com")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code of ticket"))).to_have_count(0)
    screenshot(page, "transfer-buyer-receipt")

    # The organizer sees the new holder and reissues the ticket from the attendee list.
    sign_out(page)
    sign_in(page, ticket.event.organizer.email)
    page.goto(f"/dashboard/events/{ticket.event_id}/bookings/attendees/")
    expect(page.get_by_text("transferred to Ben Adeyemi")).to_be_visible()
    screenshot(page, "transfer-organizer-attendees")
    page.get_by_role("link", name=f"Reissue ticket {ticket.serial}").click()
    expect(page.get_by_role("heading", name=f"Reissue ticket {ticket.serial}")).to_be_visible()
    page.get_by_label("Reason (kept in the audit log)").fill("The attendee reports a leaked screenshot.")
    screenshot(page, "reissue-organizer")
    page.get_by_role("button", name="Reissue the ticket").click()
    expect(toast(page, "has a new QR code")).to_be_visible()
    ticket.refresh_from_db()
    expect(toast(page, f"Ticket {ticket.serial} has a new QR code")).to_be_visible()  # the new serial
    assert Ticket.objects.get(pk=ticket.pk).version == 4
