"""Ticket files (SPEC §6): the QR code as SVG, a printable PDF ticket and an .ics calendar entry.

They are rendered on demand (from "My tickets" and when the confirmation e-mail is sent), never stored.
"""

import logging
import unicodedata
from datetime import UTC
from io import BytesIO
from pathlib import Path

import segno
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from events.ics import PRODUCT_ID, _uid_domain, event_location
from events.templatetags.catalogue import event_when
from tickets.models import Ticket
from tickets.qr import QR_CACHE_SECONDS, ticket_qr_payload, ticket_qr_png

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# fontTools logs every font subset it makes at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

BRAND = (79, 70, 229)  # the site's indigo
INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (206, 212, 218)


def ticket_qr_svg(ticket: Ticket, *, scale: int = 8) -> str:
    """The ticket's QR code as an SVG document, cached by ticket version like the PNG."""
    key = f"ticket-qr-svg:{ticket.pk}:{ticket.version}:{scale}"
    svg = cache.get(key)
    if svg is None:
        buffer = BytesIO()
        segno.make(ticket_qr_payload(ticket), error="m").save(
            buffer, kind="svg", scale=scale, border=2, title=f"Ticket {ticket.serial}"
        )
        svg = buffer.getvalue().decode()
        cache.set(key, svg, QR_CACHE_SECONDS)
    return svg


def seat_label(ticket: Ticket) -> str:
    if not ticket.seat_id:
        return ""
    seat = ticket.seat
    return f"{seat.row.section.name} · Row {seat.row.label} · Seat {seat.number}"


def _venue_lines(ticket: Ticket) -> list[str]:
    venue = ticket.event.venue
    if venue is None:
        return ["Online event"]
    city = f"{venue.postal_code} {venue.city}".strip()
    return [part for part in (venue.name, venue.address, f"{city}, {venue.country}".strip(", ")) if part]


class _TicketPdf(FPDF):
    """A4 portrait; the ticket is a card at the top, so it can be printed or shown on a phone."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.unicode = FONT_REGULAR.exists() and FONT_BOLD.exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(FONT_REGULAR))
            self.add_font("DejaVu", "B", str(FONT_BOLD))
            self.family = "DejaVu"
        else:
            self.family = "helvetica"
        self.set_auto_page_break(False)

    def text_(self, value: str) -> str:
        if self.unicode:
            return value
        # The core fonts only encode Latin-1; fold everything else to ASCII ("Zoë Øster" → "Zoe ster").
        return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()

    def write_line(self, value: str, *, size: float, bold: bool = False, colour=INK, width: float = 0, height=None):
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(
            width, height or size * 0.5, self.text_(value), new_x=XPos.LEFT, new_y=YPos.NEXT, max_line_height=size * 0.5
        )

    def label(self, value: str) -> None:
        self.write_line(value.upper(), size=7.5, bold=True, colour=MUTED)

    def field(self, label: str, value: str, *, width: float, size: float = 11, bold: bool = False) -> None:
        self.label(label)
        self.write_line(value, size=size, bold=bold, width=width)
        self.ln(2.5)


def ticket_pdf(ticket: Ticket, *, compress: bool = True) -> bytes:
    """A printable PDF ticket: event, date and time in the event's zone, venue, seat, attendee, serial, QR."""
    event = ticket.event
    pdf = _TicketPdf()
    pdf.set_compression(compress)
    pdf.set_title(pdf.text_(f"{event.title} – {ticket.serial}"))
    pdf.set_author(settings.SITE_NAME)
    pdf.set_creator(settings.SITE_NAME)
    pdf.set_creation_date(timezone.now().astimezone(UTC))
    pdf.add_page()

    left, top, width, height = 12.0, 12.0, 186.0, 150.0
    qr_size, brand_height = 62.0, 16.0
    info_width = width - qr_size - 24

    # Card outline and brand header.
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.rect(left, top, width, height, style="D", round_corners=True, corner_radius=4)
    pdf.set_fill_color(*BRAND)
    pdf.rect(left, top, width, brand_height, style="F", round_corners=("TOP_LEFT", "TOP_RIGHT"), corner_radius=4)
    pdf.set_xy(left + 7, top + 4.5)
    pdf.set_font(pdf.family, "B", 14)
    pdf.set_text_color(255, 255, 255)
    pdf.cell(80, 7, pdf.text_(settings.SITE_NAME))
    pdf.set_font(pdf.family, "", 9)
    pdf.set_xy(left + width - 87, top + 4.5)
    pdf.cell(80, 7, pdf.text_(f"Order {ticket.order.code}"), align="R")

    # Event and ticket details.
    x = left + 7
    pdf.set_xy(x, top + brand_height + 6)
    pdf.write_line(event.title, size=17, bold=True, width=info_width)
    pdf.ln(2)
    pdf.set_x(x)
    pdf.field("When", event_when(event), width=info_width)
    pdf.set_x(x)
    pdf.label("Where")
    for line in _venue_lines(ticket):
        pdf.set_x(x)
        pdf.write_line(line, size=10.5, width=info_width)
    pdf.ln(2.5)
    pdf.set_x(x)
    pdf.field("Attendee", ticket.attendee_name, width=info_width, size=13, bold=True)
    pdf.set_x(x)
    pdf.field("Ticket", ticket.ticket_type.name, width=info_width)
    if ticket.seat_id:
        pdf.set_x(x)
        pdf.field("Seat", seat_label(ticket), width=info_width, bold=True)

    # QR code with the serial underneath, for manual entry when scanning fails.
    qr_x, qr_y = left + width - qr_size - 8, top + brand_height + 8
    pdf.image(BytesIO(ticket_qr_png(ticket, scale=10)), x=qr_x, y=qr_y, w=qr_size, h=qr_size)
    pdf.set_xy(qr_x, qr_y + qr_size + 2)
    pdf.set_font("courier", "B", 13)  # a core font: the serial (ASCII) stays plain text in the file
    pdf.set_text_color(*INK)
    pdf.cell(qr_size, 6, ticket.serial, align="C")
    pdf.set_xy(qr_x, qr_y + qr_size + 8)
    pdf.set_font(pdf.family, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(qr_size, 3.5, "Show this code at the entrance.\nOne scan per ticket.", align="C")

    # Dashed tear line and footer.
    pdf.set_draw_color(*RULE)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.line(left + 4, top + height - 12, left + width - 4, top + height - 12)
    pdf.set_xy(left + 7, top + height - 10)
    pdf.set_font(pdf.family, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(
        width - 14,
        6,
        pdf.text_(f"Ticket {ticket.serial} · {settings.SITE_URL} · Do not share: whoever scans first gets in."),
    )
    return bytes(pdf.output())


def ticket_ics(ticket: Ticket) -> bytes:
    """An iCalendar file with one VEVENT for this ticket's event, in UTC, with the serial in the description."""
    event = ticket.event
    url = settings.SITE_URL + reverse("tickets:my_tickets")
    details = [f"Ticket {ticket.serial} – {ticket.ticket_type.name} – {ticket.attendee_name}"]
    if ticket.seat_id:
        details.append(seat_label(ticket))
    if event.venue is None and event.online_url:
        details.append(event.online_url)
    details.append(url)

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{_uid_domain()}")
    entry.add("dtstamp", timezone.now().astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.title)
    entry.add("description", "\n".join(details))
    entry.add("location", event_location(event))
    entry.add("url", url)
    calendar.add_component(entry)
    return calendar.to_ical()


def ticket_filename(ticket: Ticket, extension: str) -> str:
    return f"ticket-{ticket.serial}.{extension}"


def ticket_attachments(tickets) -> list[dict]:
    """The e-mail attachments of these tickets as references for the outbox: one PDF per ticket and one
    calendar entry for the event. ``render_attachment`` renders them when the e-mail is sent (after commit,
    when the tickets are valid), so nothing slow runs while a transaction holds locks."""
    attachments = [{"kind": "ticket_pdf", "ticket_id": ticket.pk} for ticket in tickets]
    if attachments:
        attachments.append({"kind": "ticket_ics", "ticket_id": attachments[0]["ticket_id"]})
    return attachments


def render_attachment(kind: str, ticket_id: int) -> tuple[str, bytes, str] | None:
    """An e-mail attachment (filename, content, MIME type) for notifications, or None when it no longer applies.

    Only valid tickets get files: a ticket refunded or cancelled before the e-mail went out gets none.
    """
    ticket = (
        Ticket.objects.select_related("event", "event__venue", "ticket_type", "order", "seat__row__section")
        .filter(pk=ticket_id, status=Ticket.Status.VALID)
        .first()
    )
    if ticket is None:
        return None
    if kind == "ticket_pdf":
        return ticket_filename(ticket, "pdf"), ticket_pdf(ticket), "application/pdf"
    if kind == "ticket_ics":
        return ticket_filename(ticket, "ics"), ticket_ics(ticket), "text/calendar"
    raise ValueError(f"Unknown attachment kind: {kind}")
