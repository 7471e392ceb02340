"""QR images of tickets, rendered lazily (5–25 ms each, SPEC §12) and cached by version."""

from io import BytesIO

import segno
from django.core.cache import cache

from tickets.models import Ticket
from tickets.signing import ticket_code

QR_CACHE_SECONDS = 60 * 60 * 24


def ticket_qr_payload(ticket: Ticket) -> str:
    """What the QR code carries: the ticket's signed code, verifiable offline (tickets/signing.py).

    A reissued ticket (higher version) gets a new code; scanners refuse the old one as revoked.
    """
    return ticket_code(
        event_id=ticket.event_id, ticket_id=ticket.pk, ticket_type_id=ticket.ticket_type_id, version=ticket.version
    )


def ticket_qr_png(ticket: Ticket, *, scale: int = 8) -> bytes:
    key = f"ticket-qr:{ticket.pk}:{ticket.version}:{scale}"
    png = cache.get(key)
    if png is None:
        buffer = BytesIO()
        segno.make(ticket_qr_payload(ticket), error="m").save(buffer, kind="png", scale=scale, border=2)
        png = buffer.getvalue()
        cache.set(key, png, QR_CACHE_SECONDS)
    return png
