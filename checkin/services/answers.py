"""The answers a scanner is given, as plain JSON-ready dicts (a Scan stores its answer to replay it).

A rejection carries the API's error shape (``error.code`` is the reason) next to what the gate person needs
to talk to the guest: the ticket, and for ``already_used`` when and at which gate it was first used.
"""

from datetime import UTC, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from checkin.models import Reason
from checkin.services.codes import Resolution
from events.models import Event
from tickets.models import Ticket


def iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a ``Z``, as DRF renders datetimes."""
    if moment is None:
        return None
    return timezone.localtime(moment, UTC).isoformat().replace("+00:00", "Z")


def seat_label(ticket: Ticket) -> str | None:
    if not ticket.seat_id:
        return None
    seat = ticket.seat
    return _("%(section)s, row %(row)s, seat %(number)s") % {
        "section": seat.row.section.name,
        "row": seat.row.label,
        "number": seat.number,
    }


def ticket_summary(ticket: Ticket, event: Event) -> dict:
    """What the gate person sees about a ticket of the event being scanned."""
    return {
        "id": ticket.pk,
        "serial": ticket.serial,
        "holder": ticket.attendee_name,
        "ticket_type": ticket.ticket_type.name,
        "seat": seat_label(ticket),
        "status": ticket.status,
        "event": {"id": event.pk, "title": event.title},
    }


def _local(moment: datetime, event: Event) -> str:
    return formats.date_format(timezone.localtime(moment, event.tz), "j M, H:i")


def reason_message(resolution: Resolution, event: Event) -> str:
    """One sentence for the result screen, in the request's language."""
    reason, first_use = resolution.reason, resolution.first_use
    if reason == Reason.ALREADY_USED and first_use is not None:
        if first_use.gate:
            return _("Already used on %(when)s at gate %(gate)s.") % {
                "when": _local(first_use.admitted_at, event),
                "gate": first_use.gate,
            }
        return _("Already used on %(when)s.") % {"when": _local(first_use.admitted_at, event)}
    if reason == Reason.NOT_YET_VALID and resolution.opens_at is not None:
        return _("Check-in opens on %(when)s.") % {"when": _local(resolution.opens_at, event)}
    if reason == Reason.OK and resolution.ticket is not None:
        return _("Admit %(holder)s.") % {"holder": resolution.ticket.attendee_name}
    return {
        Reason.OK: _("Admit."),
        Reason.ALREADY_USED: _("This ticket was already used."),
        Reason.INVALID: _("This is not a valid ticket."),
        Reason.WRONG_EVENT: _("This ticket is for another event."),
        Reason.CANCELLED: _("This ticket was cancelled."),
        Reason.REFUNDED: _("This ticket was refunded."),
        Reason.UNPAID: _("This ticket has not been paid."),
        Reason.NOT_YET_VALID: _("Check-in is not open yet."),
        Reason.REVOKED: _("This ticket was reissued; this copy is no longer valid."),
    }[reason]


def verdict(resolution: Resolution, event: Event) -> dict:
    """The read-only answer of ``verify``."""
    first_use = resolution.first_use
    return {
        "reason": resolution.reason,
        "admissible": resolution.admissible,
        "message": reason_message(resolution, event),
        "ticket": ticket_summary(resolution.ticket, event) if resolution.ticket else None,
        "first_used": {"at": iso(first_use.admitted_at), "gate": first_use.gate} if first_use else None,
        "opens_at": iso(resolution.opens_at),
    }


def redeem_answer(
    resolution: Resolution, event: Event, *, scan_id: str, admitted_at: datetime | None, gate: str
) -> dict:
    """The answer of ``redeem`` (and of each uploaded scan): admitted, or the error shape plus the details."""
    body = verdict(resolution, event)
    del body["admissible"]
    message = body.pop("message")
    body["scan_id"] = scan_id
    if resolution.admissible:
        body["checked_in"] = {"at": iso(admitted_at), "gate": gate}
        body["message"] = message
    else:
        body["error"] = {"code": resolution.reason, "message": message, "fields": {}}
    return body
