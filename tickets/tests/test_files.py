"""Ticket files (SPEC §6): QR as SVG, the PDF ticket and the .ics entry, for the ticket's owner only."""

import re
from datetime import UTC

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketTypeFactory
from tickets.files import render_attachment, ticket_ics, ticket_pdf, ticket_qr_svg
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout, order_mark_paid
from tickets.tests.factories import order_booked, seated_event, seats_of

pytestmark = pytest.mark.django_db


def a_ticket(*, buyer=None, name="Zoë Øster", paid=True):
    buyer = buyer or UserFactory()
    ticket_type = TicketTypeFactory()
    now = timezone.now()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=now)
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=[name], now=now)
    if paid:
        order_mark_paid(order_id=order.pk, now=now)
    return order.tickets.select_related("event", "event__venue", "ticket_type", "order", "seat__row__section").get()


def test_the_svg_qr_is_an_svg_document():
    ticket = a_ticket()

    svg = ticket_qr_svg(ticket)

    assert "<svg" in svg and svg.rstrip().endswith("</svg>")
    assert ticket_qr_svg(ticket) == svg  # cached by version


def test_the_pdf_ticket_carries_the_serial_attendee_and_event():
    ticket = a_ticket()

    pdf = ticket_pdf(ticket, compress=False)

    assert pdf.startswith(b"%PDF")
    assert b"/Subtype /Image" in pdf  # the QR code
    assert f"({ticket.serial}) Tj".encode() in pdf
    assert ticket_pdf(ticket).startswith(b"%PDF")


def test_the_pdf_ticket_of_a_seated_online_free_event_renders():
    _event, [ticket_type] = seated_event()
    order = order_booked(ticket_type=ticket_type, names=["Zoë Øster"], seat_ids=seats_of(ticket_type)[:1])
    ticket = order.tickets.select_related("event", "event__venue", "ticket_type", "order", "seat__row__section").get()

    assert ticket.seat_id is not None
    assert ticket_pdf(ticket).startswith(b"%PDF")


def test_the_ics_has_one_event_in_utc_with_the_serial():
    ticket = a_ticket()

    ics = ticket_ics(ticket).decode()

    assert ics.count("BEGIN:VEVENT") == 1
    start = ticket.event.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in ics
    assert ticket.serial in re.sub(r"\r\n ", "", ics)


@pytest.mark.parametrize(
    ("name", "content_type", "start"),
    [
        ("tickets:qr_svg", "image/svg+xml", b"<"),
        ("tickets:pdf", "application/pdf", b"%PDF"),
        ("tickets:ics", "text/calendar", b"BEGIN:VCALENDAR"),
    ],
)
def test_ticket_files_are_for_the_owner_only(client, name, content_type, start):
    buyer = UserFactory()
    ticket = a_ticket(buyer=buyer)
    url = reverse(name, args=[ticket.pk])

    client.force_login(buyer)
    mine = client.get(url)
    client.force_login(UserFactory())
    theirs = client.get(url)

    assert mine.status_code == 200 and mine["Content-Type"].startswith(content_type)
    assert mine.content.startswith(start)
    assert theirs.status_code == 404
    if name != "tickets:qr_svg":
        assert mine["Content-Disposition"].startswith("attachment;") and ticket.serial in mine["Content-Disposition"]


@pytest.mark.parametrize("name", ["tickets:qr_svg", "tickets:pdf", "tickets:ics"])
def test_ticket_files_of_an_unpaid_ticket_are_not_found(client, name):
    buyer = UserFactory()
    ticket = a_ticket(buyer=buyer, paid=False)
    client.force_login(buyer)

    assert client.get(reverse(name, args=[ticket.pk])).status_code == 404


def test_ticket_files_need_a_login(client):
    ticket = a_ticket()

    response = client.get(reverse("tickets:pdf", args=[ticket.pk]))

    assert response.status_code == 302


def test_my_tickets_links_the_files(client):
    buyer = UserFactory()
    ticket = a_ticket(buyer=buyer)
    client.force_login(buyer)

    body = client.get(reverse("tickets:my_tickets")).content.decode()

    for name in ("tickets:pdf", "tickets:qr_svg", "tickets:ics"):
        assert reverse(name, args=[ticket.pk]) in body


def test_attachments_are_rendered_for_valid_tickets_only():
    valid, unpaid = a_ticket(), a_ticket(paid=False)

    filename, content, mimetype = render_attachment("ticket_pdf", valid.pk)

    assert (filename, mimetype) == (f"ticket-{valid.serial}.pdf", "application/pdf") and content.startswith(b"%PDF")
    assert render_attachment("ticket_ics", valid.pk)[2] == "text/calendar"
    assert render_attachment("ticket_pdf", unpaid.pk) is None
