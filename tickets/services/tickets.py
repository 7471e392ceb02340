"""Changes to one issued ticket: reissuing its code (SPEC §6)."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import DomainError
from core.services import audit_record
from tickets.models import Ticket, new_ticket_secret
from tickets.services.orders import new_serial


class TicketNotReissuable(DomainError):
    code, status = "ticket_not_reissuable", 422
    default_message = _("Only valid or unpaid tickets can get a new code.")


MAX_VERSION = 65535  # the signed code carries the version in two bytes


@transaction.atomic
def ticket_reissue(
    *, ticket: Ticket, actor: User | None, reason: str, now: datetime, attendee_name: str | None = None
) -> Ticket:
    """Give a ticket a new code: its version goes up by one, so every earlier QR code answers ``revoked``
    at the gate (online at once; offline once the scanner refreshes its bundle's revocation list), and a new
    serial, so the old holder cannot be admitted by typing the serial either.
    Optionally renames the attendee in the same step (a transfer or a name change).

    Locks: the ticket.
    Raises: TicketNotReissuable (cancelled, refunded, or out of versions).
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in (Ticket.Status.VALID, Ticket.Status.UNPAID) or ticket.version >= MAX_VERSION:
        raise TicketNotReissuable()
    previous = {"version": ticket.version, "attendee_name": ticket.attendee_name, "serial": ticket.serial}
    ticket.version += 1
    ticket.secret = new_ticket_secret()
    ticket.serial = new_serial(year=now.year)
    fields = ["version", "secret", "serial", "updated_at"]
    if attendee_name is not None and attendee_name.strip():
        ticket.attendee_name = attendee_name.strip()[:150]
        fields.append("attendee_name")
    ticket.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="ticket.reissued",
        target=ticket,
        data={
            "reason": reason,
            "serial": ticket.serial,
            "previous_serial": previous["serial"],
            "from_version": previous["version"],
            "to_version": ticket.version,
            **({"renamed_from": previous["attendee_name"]} if "attendee_name" in fields else {}),
        },
        now=now,
    )
    return ticket
