"""Approval-required events end to end in Chromium: an attendee applies with a PDF, the organizer reviews the
application with its answers and attachment and approves it, and the attendee sees the approved status and
their tickets; for a paid event the approval brings a payment link that the attendee pays; a decline carries
its reason to the applicant."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketTypeFactory
from tests.browser.conftest import DESKTOP_VIEWPORT, MOBILE_VIEWPORT
from tests.browser.helpers import sign_in, sign_out
from tickets.models import Application, Order, Ticket
from tickets.tests.helpers_applications import QUESTIONS, application_submitted, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def approval_event(*, title: str, price: str):
    organizer = UserFactory(organizer=True, email="olivia@example.com", name="Olivia Organizer")
    event = EventFactory(
        title=title,
        organizer=organizer,
        requires_approval=True,
        application_questions=QUESTIONS,
        summary="48 hours of building things with strangers who become friends.",
    )
    ticket_type = TicketTypeFactory(event=event, name="Hacker", price=Decimal(price), capacity=60)
    return event, ticket_type


def test_attendee_applies_with_a_pdf_organizer_approves_and_attendee_gets_tickets(page: Page, live_server, screenshot):
    event, _ticket_type = approval_event(title="Open Source Hack Weekend", price="0.00")
    attendee = UserFactory(email="amara@example.com", name="Amara Okafor", phone="+49 30 1234567")

    sign_in(page, attendee.email)
    page.goto(f"/events/{event.slug}/")
    expect(page.get_by_role("button", name="Get tickets")).to_have_count(0)
    screenshot(page, "application-event")
    page.get_by_role("link", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"/events/{event.slug}/apply/$"))
    expect(page.get_by_label("Your name")).to_have_value("Amara Okafor")
    page.get_by_label("Team name").fill("Null Pointers")
    page.get_by_label("Team members").fill("Chidi Okafor\nLena Vogel")
    page.get_by_label("What do you want to build?").fill("An offline-first map of drinking fountains.")
    page.get_by_label("Attachments").set_input_files(
        [{"name": "amara-cv.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Amara Okafor - CV")}]
    )
    screenshot(page, "application-form")
    page.get_by_role("button", name="Send application").click()

    expect(page.locator(".toast").first).to_contain_text(re.compile("Application sent", re.I))
    expect(page.get_by_text("Waiting for the organizer")).to_be_visible()
    screenshot(page, "application-pending")
    page.set_viewport_size(MOBILE_VIEWPORT)
    screenshot(page, "application-pending-mobile")
    page.set_viewport_size(DESKTOP_VIEWPORT)
    application = Application.objects.get()
    assert application.quantity == 3 and application.attachments.get().original_name == "amara-cv.pdf"

    sign_out(page)
    sign_in(page, event.organizer.email)
    page.goto(f"/dashboard/events/{event.pk}/")
    page.get_by_role("link", name="Applications").click()
    expect(page.get_by_role("cell", name="Amara Okafor amara@example.com")).to_be_visible()
    screenshot(page, "application-organizer-queue")
    page.get_by_role("link", name=re.compile("Review")).click()
    expect(page.get_by_text("An offline-first map of drinking fountains.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("amara-cv.pdf")).click()
    assert download.value.suggested_filename == "amara-cv.pdf"
    screenshot(page, "application-organizer-review")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".toast").first).to_contain_text(re.compile("has their tickets", re.I))
    screenshot(page, "application-organizer-approved")

    sign_out(page)
    sign_in(page, attendee.email)
    page.goto("/tickets/applications/")
    expect(page.get_by_text("Approved", exact=True)).to_be_visible()
    screenshot(page, "application-my-applications")
    page.get_by_role("link", name="See tickets").click()
    expect(page.get_by_text("Lena Vogel")).to_be_visible()
    qr_codes = page.get_by_role("img", name=re.compile("QR code of ticket"))
    expect(qr_codes).to_have_count(3)
    screenshot(page, "application-tickets")
    order = Application.objects.get().order
    assert order.status == Order.Status.PAID
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}


def test_a_paid_approval_sends_a_payment_link_the_attendee_pays(page: Page, live_server, screenshot):
    event, ticket_type = approval_event(title="Founders Retreat", price="120.00")
    attendee = UserFactory(email="jonas@example.com", name="Jonas Berg")
    application_submitted(ticket_type=ticket_type, applicant=attendee)

    sign_in(page, event.organizer.email)
    page.goto(f"/dashboard/events/{event.pk}/applications/")
    page.get_by_role("link", name=re.compile("Review")).click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".toast").first).to_contain_text(re.compile("link to pay", re.I))

    sign_out(page)
    sign_in(page, attendee.email)
    page.goto("/tickets/applications/")
    screenshot(page, "application-pay-link")
    page.get_by_role("link", name="Pay now").click()
    expect(page).to_have_url(re.compile(r"/pay/$"))
    screenshot(page, "application-pay")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/29")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(page.locator(".toast").first).to_contain_text(re.compile("Payment received", re.I))
    assert Application.objects.get().order.status == Order.Status.PAID


def test_a_declined_applicant_reads_the_reason(page: Page, live_server, screenshot):
    event, ticket_type = approval_event(title="Robotics Bootcamp", price="0.00")
    attendee = UserFactory(email="mei@example.com", name="Mei Chen")
    application_submitted(ticket_type=ticket_type, applicant=attendee)

    sign_in(page, event.organizer.email)
    page.goto(f"/dashboard/events/{event.pk}/applications/")
    page.get_by_role("link", name=re.compile("Review")).click()
    page.get_by_text("Decline…").click()
    page.get_by_role("button", name="Decline and tell them").click()
    expect(page.get_by_text("Tell the applicant why")).to_be_visible()
    page.get_by_label("Reason, sent to the applicant").fill("This bootcamp is for teams of students; apply in spring!")
    screenshot(page, "application-organizer-decline")
    page.get_by_role("button", name="Decline and tell them").click()
    expect(page.locator(".toast").first).to_contain_text(re.compile("Declined", re.I))

    sign_out(page)
    sign_in(page, attendee.email)
    page.goto(f"/tickets/applications/{Application.objects.get().pk}/")
    expect(page.get_by_text("apply in spring!")).to_be_visible()
    screenshot(page, "application-declined")
