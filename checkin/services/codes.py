"""What a scanned QR code or a typed serial is worth at one event at one moment. Reads only.

Resolution order (the first rule that applies wins): a code that is not ours or whose signature fails →
``invalid``; signed for another event → ``wrong_event``; no such ticket → ``invalid``; an older version of a
reissued ticket → ``revoked``; ticket unpaid / cancelled / refunded → that status; earlier than
``CHECKIN_OPENS_HOURS_BEFORE`` hours (default 6) before the start → ``not_yet_valid``; admitted before →
``already_used``; otherwise ``ok``. A typed serial skips the signature and version rules.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings

from checkin.models import CheckIn, Reason, Scan
from events.models import Event
from tickets.models import Ticket
from tickets.signing import PREFIX, BadCode, verify_code

MAX_INPUT_LENGTH = 500
SERIAL_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")  # Ticket.serial is at most 20 characters


@dataclass(frozen=True)
class Resolution:
    reason: str
    method: str
    ticket: Ticket | None = None
    first_use: CheckIn | None = None
    opens_at: datetime | None = None

    @property
    def admissible(self) -> bool:
        return self.reason == Reason.OK

    def as_already_used(self, first_use: CheckIn) -> "Resolution":
        return replace(self, reason=Reason.ALREADY_USED, first_use=first_use)


def checkin_opens_at(event: Event) -> datetime:
    """The earliest moment tickets of ``event`` are admitted."""
    return event.starts_at - timedelta(hours=getattr(settings, "CHECKIN_OPENS_HOURS_BEFORE", 6))


def code_clean(raw: str) -> str:
    """Drop control, format and unpaired-surrogate characters, then surrounding whitespace.

    Scanners in keyboard-wedge mode add CR/LF or NUL; a copy-paste may bring zero-width spaces. None of
    them belong to a code, and some (NUL, surrogates) cannot even be sent to the database.
    """
    return "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C").strip()


def serial_normalise(text: str) -> str:
    """Typed serials are case-insensitive and may carry spaces anywhere (``eh-2026 7k3m9q``)."""
    return "".join(text.split()).upper()


def _ticket_query():
    return Ticket.objects.select_related("ticket_type", "seat__row__section", "checkin")


def _first_use(ticket: Ticket) -> CheckIn | None:
    try:
        return ticket.checkin
    except CheckIn.DoesNotExist:
        return None


def code_resolve(*, event: Event, code: str, at: datetime) -> Resolution:
    """Decide what ``code`` (a QR payload or a typed serial, any string at all) means at ``event`` at ``at``.

    One query at most; nothing is written and nothing locked, so the answer may be stale by the time a
    caller acts on it (``scan_redeem`` lets the CheckIn key settle a race).
    """
    if len(code) > MAX_INPUT_LENGTH:
        return Resolution(Reason.INVALID, Scan.Method.QR if code.lstrip().startswith(PREFIX) else Scan.Method.SERIAL)
    text = code_clean(code)
    looks_signed = text.startswith(PREFIX)
    method = Scan.Method.QR if looks_signed else Scan.Method.SERIAL

    if looks_signed:
        try:
            signed = verify_code(text)
        except BadCode:
            return Resolution(Reason.INVALID, method)
        if signed.event_id != event.pk:
            return Resolution(Reason.WRONG_EVENT, method)
        ticket = _ticket_query().filter(pk=signed.ticket_id, event=event).first()
        if ticket is None or signed.version > ticket.version:
            return Resolution(Reason.INVALID, method)
        if signed.version < ticket.version or signed.ticket_type_id != ticket.ticket_type_id:
            return Resolution(Reason.REVOKED, method, ticket)
    else:
        serial = serial_normalise(text)
        if not SERIAL_RE.match(serial):
            return Resolution(Reason.INVALID, method)
        ticket = _ticket_query().filter(serial=serial).first()
        if ticket is None:
            return Resolution(Reason.INVALID, method)
        if ticket.event_id != event.pk:
            return Resolution(Reason.WRONG_EVENT, method)  # and nothing about that ticket: not this event's

    if ticket.status != Ticket.Status.VALID:
        status_reason = {
            Ticket.Status.UNPAID: Reason.UNPAID,
            Ticket.Status.CANCELLED: Reason.CANCELLED,
            Ticket.Status.REFUNDED: Reason.REFUNDED,
        }
        return Resolution(status_reason.get(ticket.status, Reason.INVALID), method, ticket)
    opens_at = checkin_opens_at(event)
    if at < opens_at:
        return Resolution(Reason.NOT_YET_VALID, method, ticket, opens_at=opens_at)
    first_use = _first_use(ticket)
    if first_use is not None:
        return Resolution(Reason.ALREADY_USED, method, ticket, first_use=first_use)
    return Resolution(Reason.OK, method, ticket)
