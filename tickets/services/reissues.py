"""New QR codes on request (SPEC §6, issue #5): by the ticket's holder ("my screenshot leaked") or by the
event's organizer or an admin ("this code was shared"). Both go through ``ticket_reissue``, which bumps the
version so every earlier code answers ``revoked`` at the gate, and both e-mail the new ticket to its holder.

Holders may do it for a valid ticket that was not used at the entrance, of an event that is not over or
cancelled, at most ``HOLDER_REISSUES_PER_DAY`` times a day per ticket. Organizers may also reissue a ticket
already used (its admission stays recorded, so the new code answers ``already_used``) or an unpaid one.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound
from core.models import AuditLogEntry
from events.models import Event
from tickets.errors import ReissueTooOften
from tickets.locks import ticket_for_update
from tickets.models import Ticket
from tickets.services.ticket_emails import ticket_reissued_queue
from tickets.services.tickets import TicketNotReissuable, ticket_reissue
from tickets.services.transfers import ticket_is_used, ticket_owner_id

HOLDER_REISSUES_PER_DAY = 5
REASON_HOLDER = "holder_request"


def ticket_check_reissuable_by_holder(*, ticket: Ticket, now: datetime) -> None:
    """Say no, with the reason, if the holder may not get a new code for ``ticket`` now.

    Raises: TicketNotReissuable, ReissueTooOften.
    """
    if ticket.status != Ticket.Status.VALID:
        raise TicketNotReissuable(_("Only paid, valid tickets can get a new QR code."))
    if ticket.event.status == Event.Status.CANCELLED:
        raise TicketNotReissuable(_("The event was cancelled."))
    if now >= ticket.event.ends_at:
        raise TicketNotReissuable(_("The event is over."))
    if ticket_is_used(ticket):
        raise TicketNotReissuable(_("This ticket was already used at the entrance, so it keeps its code."))
    recent = AuditLogEntry.objects.filter(
        action="ticket.reissued",
        target_type=Ticket._meta.label_lower,
        target_id=str(ticket.pk),
        data__reason=REASON_HOLDER,
        created_at__gt=now - timedelta(days=1),
    )
    if recent.count() >= HOLDER_REISSUES_PER_DAY:
        raise ReissueTooOften()


@transaction.atomic(durable=True)
def ticket_reissue_by_holder(*, ticket: Ticket, holder: User, now: datetime) -> Ticket:
    """Give the holder's ticket a new QR code and e-mail it to them; the old code stops working at once.

    Locks: the ticket.
    Raises: NotFound (not their ticket), TicketNotReissuable, ReissueTooOften, Busy.
    """
    locked = ticket_for_update(pk=ticket.pk)
    if locked is None or ticket_owner_id(locked) != holder.pk:
        raise NotFound()
    ticket_check_reissuable_by_holder(ticket=locked, now=now)
    reissued = ticket_reissue(ticket=locked, actor=holder, reason=REASON_HOLDER, now=now)
    ticket_reissued_queue(ticket=reissued, to=holder, reason="holder")
    return reissued


@transaction.atomic(durable=True)
def ticket_reissue_by_organizer(*, ticket: Ticket, actor: User, reason: str, now: datetime) -> Ticket:
    """Give a ticket of the organizer's event a new QR code (audited with ``reason``) and e-mail a valid ticket
    to its holder. The caller fetched ``ticket`` through ``ticket_get_for_organizer``.

    Locks: the ticket.
    Raises: TicketNotReissuable (cancelled or refunded), Busy.
    """
    locked = ticket_for_update(pk=ticket.pk)
    if locked is None:
        raise NotFound()
    reason = reason.strip()[:500] or "organizer"
    reissued = ticket_reissue(ticket=locked, actor=actor, reason=reason, now=now)
    if reissued.status == Ticket.Status.VALID:
        holder = User.objects.get(pk=ticket_owner_id(locked))
        ticket_reissued_queue(ticket=reissued, to=holder, reason="organizer")
    return reissued
