"""Codes that must be refused (and one that must not), shared by the server test (checkin/tests/test_scanner.py)
and the browser verifier test in Chromium (tests/browser/test_scanner_verifier.py): both sides are held to the
same verdicts on the same inputs."""

import base64
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from checkin.tests.factories import code_of, event_soon, gate_staff, ticket_issued
from events.models import Event
from tickets.models import Ticket
from tickets.services.tickets import ticket_reissue
from tickets.signing import BODY, FORMAT_VERSION, PREFIX, event_private_key


@dataclass(frozen=True)
class SignatureCase:
    event: Event
    staff: User
    ticket: Ticket
    code: str
    server_reason: str


def _raw(code: str) -> bytearray:
    text = code[len(PREFIX) :]
    return bytearray(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def _encode(raw: bytes) -> str:
    return PREFIX + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def tampered(code: str, *, index: int) -> str:
    """``code`` with one bit of byte ``index`` flipped (0–14 the body, 15–78 the signature)."""
    raw = _raw(code)
    raw[index] ^= 0x01
    return _encode(raw)


def signed_with_key_of(other: Event, *, ticket: Ticket) -> str:
    """A code naming ``ticket``'s own event, but signed with ``other``'s key."""
    body = BODY.pack(FORMAT_VERSION, ticket.event_id, ticket.pk, ticket.ticket_type_id, ticket.version)
    return _encode(body + event_private_key(other.pk).sign(body))


def _valid(event, ticket):
    return code_of(ticket), "ok"


def _tampered_body(event, ticket):
    return tampered(code_of(ticket), index=8), "invalid"  # a byte of the ticket id


def _tampered_signature(event, ticket):
    return tampered(code_of(ticket), index=40), "invalid"


def _wrong_key(event, ticket):
    return signed_with_key_of(event_soon(), ticket=ticket), "invalid"


def _other_event(event, ticket):
    return code_of(ticket_issued(event=event_soon())), "wrong_event"


def _old_version(event, ticket):
    old = code_of(ticket)
    ticket_reissue(ticket=ticket, actor=None, reason="security", now=timezone.now())
    return old, "revoked"


def _refunded(event, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.REFUNDED)
    return code_of(ticket), "refunded"


def _cancelled(event, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CANCELLED)
    return code_of(ticket), "cancelled"


def _garbage(event, ticket):
    return PREFIX + "not-base64!", "invalid"


_BUILDERS = {
    "valid": _valid,
    "tampered_body": _tampered_body,
    "tampered_signature": _tampered_signature,
    "wrong_key": _wrong_key,
    "other_event": _other_event,
    "old_version": _old_version,
    "refunded": _refunded,
    "cancelled": _cancelled,
    "garbage": _garbage,
}
SIGNATURE_CASES = tuple(_BUILDERS)


def signature_case(name: str) -> SignatureCase:
    """Build the world of case ``name``: an event open for check-in, its gate staff and a paid ticket."""
    event = event_soon()
    ticket = ticket_issued(event=event, name="Vera Verify")
    code, reason = _BUILDERS[name](event, ticket)
    ticket.refresh_from_db()
    return SignatureCase(event=event, staff=gate_staff(event), ticket=ticket, code=code, server_reason=reason)
