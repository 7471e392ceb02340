"""Ticket transfers (SPEC §4 "Ticket transfer"): a holder offers a ticket to someone by e-mail; the recipient
accepts it with the e-mailed link while signed in with that address; the ticket then belongs to them and is
reissued in their name, so the sender's QR code answers ``revoked`` at the gate.

Who holds a ticket: ``Ticket.holder`` once transferred (empty again if it comes back to the buyer), otherwise
the buyer of its order. Rules, checked when offering and again when accepting (``transfer_check_allowed``): the
ticket is valid (paid) and was not used at the entrance; its event is published and has not started; the
organizer allows transfers (``Event.transfers_enabled``) and the cut-off (``Event.transfer_cutoff_hours``
before the start) has not passed. One pending transfer per ticket (a database constraint). A transfer expires
after ``TICKET_TRANSFER_TTL_HOURS`` (default 7 days) or when transfers close for the event, whichever is first;
an expired one counts as expired at once and the periodic sweep (``transfers_expire_due``) writes it down.

Locks: the ticket, then its transfer (tickets/locks.py).
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound, RateLimited
from core.services import audit_record
from events.models import Event
from tickets.errors import (
    NotVerified,
    TicketNotTransferable,
    TransferAlreadyPending,
    TransferNotOpen,
    TransfersClosed,
    TransfersDisabled,
    TransferToSelf,
    TransferWrongAccount,
)
from tickets.locks import ticket_for_update
from tickets.models import Ticket, TicketTransfer
from tickets.selectors_transfers import transfer_token_hash
from tickets.services.ticket_emails import ticket_reissued_queue, transfer_accepted_queue, transfer_received_queue
from tickets.services.tickets import ticket_reissue

OFFERS_PER_TICKET_PER_DAY = 10  # each one e-mails a stranger: cancel-and-resend must not become a spam cannon


def transfer_ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "TICKET_TRANSFER_TTL_HOURS", 24 * 7))


def ticket_owner_id(ticket: Ticket) -> int:
    """The id of the user who holds ``ticket`` (its order must be loaded or cheap to load)."""
    return ticket.holder_id or ticket.order.buyer_id


def ticket_is_used(ticket: Ticket) -> bool:
    """Admitted at the entrance already (one CheckIn per ticket, ever)."""
    return Ticket.objects.filter(pk=ticket.pk, checkin__isnull=False).exists()


def transfers_close_at(event: Event) -> datetime:
    """The moment transfers stop for ``event``: its start, or ``transfer_cutoff_hours`` before it."""
    return event.starts_at - timedelta(hours=event.transfer_cutoff_hours or 0)


def transfer_check_allowed(*, ticket: Ticket, now: datetime) -> None:
    """Say no, with the reason, if ``ticket`` may not change hands now.

    Raises: TicketNotTransferable, TransfersDisabled, TransfersClosed.
    """
    event = ticket.event
    if ticket.status != Ticket.Status.VALID:
        raise TicketNotTransferable(_("Only paid, valid tickets can be transferred."))
    if event.status == Event.Status.CANCELLED:
        raise TicketNotTransferable(_("The event was cancelled."))
    if event.status != Event.Status.PUBLISHED or now >= event.starts_at:
        raise TransfersClosed(_("The event has started, so its tickets can no longer be transferred."))
    if not event.transfers_enabled:
        raise TransfersDisabled()
    if now >= transfers_close_at(event):
        raise TransfersClosed(
            _("Transfers for this event closed %(hours)s hours before the start.")
            % {"hours": event.transfer_cutoff_hours}
        )
    if ticket_is_used(ticket):
        raise TicketNotTransferable(_("This ticket was already used at the entrance."))


def _expire_stale(*, ticket: Ticket, now: datetime) -> None:
    TicketTransfer.objects.filter(ticket=ticket, status=TicketTransfer.Status.PENDING, expires_at__lte=now).update(
        status=TicketTransfer.Status.EXPIRED, closed_at=now, updated_at=now
    )


@transaction.atomic(durable=True)
def transfer_offer(
    *, ticket: Ticket, sender: User, to_email: str, to_name: str, message: str = "", now: datetime
) -> TicketTransfer:
    """Offer ``ticket`` to the person at ``to_email`` and e-mail them the accept link.

    The returned transfer carries the link's secret as ``transfer.token`` (not stored; only e-mailed).
    The ticket keeps working for the sender until the recipient accepts.
    Locks: the ticket.
    Raises: NotFound (not the sender's ticket), TicketNotTransferable, TransfersDisabled, TransfersClosed,
    TransferToSelf, TransferAlreadyPending, RateLimited, Busy.
    """
    to_email = BaseUserManager.normalize_email(to_email.strip())
    locked = ticket_for_update(pk=ticket.pk)
    if locked is None or ticket_owner_id(locked) != sender.pk:
        raise NotFound()
    _expire_stale(ticket=locked, now=now)
    transfer_check_allowed(ticket=locked, now=now)
    if to_email.casefold() == sender.email.casefold():
        raise TransferToSelf(fields={"to_email": [str(TransferToSelf.default_message)]})
    if TicketTransfer.objects.filter(ticket=locked, status=TicketTransfer.Status.PENDING).exists():
        raise TransferAlreadyPending()
    if TicketTransfer.objects.filter(ticket=locked, created_at__gt=now - timedelta(days=1)).count() >= (
        OFFERS_PER_TICKET_PER_DAY
    ):
        raise RateLimited(_("This ticket was sent too often today. Please try again tomorrow."))
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            transfer = TicketTransfer.objects.create(
                ticket=locked,
                from_user=sender,
                to_email=to_email,
                to_name=to_name.strip()[:150],
                message=message.strip()[:500],
                token_hash=transfer_token_hash(token),
                expires_at=min(now + transfer_ttl(), transfers_close_at(locked.event)),
                created_at=now,
            )
    except IntegrityError as exc:  # the one-pending constraint: only reachable without the ticket lock
        raise TransferAlreadyPending() from exc
    transfer.token = token
    audit_record(
        actor=sender,
        action="ticket.transfer_offered",
        target=locked,
        data={"transfer_id": transfer.pk, "serial": locked.serial, "expires_at": transfer.expires_at.isoformat()},
        now=now,
    )
    transfer_received_queue(transfer=transfer, token=token)
    return transfer


@transaction.atomic(durable=True)
def transfer_cancel(*, transfer: TicketTransfer, sender: User, now: datetime) -> TicketTransfer:
    """Take back a transfer nobody accepted yet. Cancelling a cancelled transfer again changes nothing.

    Locks: the ticket, then the transfer.
    Raises: NotFound (someone else's transfer), TransferNotOpen (accepted or expired), Busy.
    """
    ticket_for_update(pk=transfer.ticket_id)
    transfer = TicketTransfer.objects.select_for_update().filter(pk=transfer.pk, from_user=sender).first()
    if transfer is None:
        raise NotFound()
    if transfer.status == TicketTransfer.Status.CANCELLED:
        return transfer
    if transfer.status == TicketTransfer.Status.ACCEPTED:
        raise TransferNotOpen(_("The ticket was already accepted, so the transfer cannot be cancelled."))
    if transfer.status == TicketTransfer.Status.EXPIRED or transfer.expires_at <= now:
        raise TransferNotOpen(_("This transfer has expired; the ticket is still yours."))
    transfer.status, transfer.closed_at = TicketTransfer.Status.CANCELLED, now
    transfer.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=sender,
        action="ticket.transfer_cancelled",
        target=transfer.ticket,
        data={"transfer_id": transfer.pk},
        now=now,
    )
    return transfer


def transfer_check_recipient(*, transfer: TicketTransfer, user: User) -> None:
    """Say no if ``user`` may not accept ``transfer``: it was sent to another address, or theirs is unverified.

    Raises: TransferWrongAccount, NotVerified.
    """
    if user.pk == transfer.from_user_id or user.email.casefold() != transfer.to_email.casefold():
        raise TransferWrongAccount()
    if not user.is_verified:
        raise NotVerified(_("Please verify your e-mail address first; then accept the ticket."))


@transaction.atomic(durable=True)
def transfer_accept(*, token: str, user: User, now: datetime, attendee_name: str = "") -> Ticket:
    """Take over the ticket a transfer link offers: ``user`` becomes its holder and the ticket gets a new code
    in ``attendee_name`` (default: the user's name), so the sender's QR code stops working. The recipient gets
    the new ticket, the sender a note. Accepting an accepted transfer again returns the ticket unchanged.

    Locks: the ticket, then the transfer.
    Raises: NotFound (unknown link), TransferNotOpen (cancelled, expired, accepted by someone else),
    TransferWrongAccount, NotVerified, TicketNotTransferable, TransfersDisabled, TransfersClosed, Busy.
    """
    found = TicketTransfer.objects.filter(token_hash=transfer_token_hash(token)).values_list("pk", "ticket_id").first()
    if found is None:
        raise NotFound()
    transfer_pk, ticket_pk = found
    ticket = ticket_for_update(pk=ticket_pk)
    transfer = TicketTransfer.objects.select_for_update().select_related("from_user").get(pk=transfer_pk)
    if transfer.status == TicketTransfer.Status.ACCEPTED:
        if transfer.accepted_by_id == user.pk:
            return ticket
        raise TransferNotOpen(_("Someone else already accepted this ticket."))
    if transfer.status == TicketTransfer.Status.CANCELLED:
        raise TransferNotOpen(_("The sender cancelled this transfer."))
    if transfer.status == TicketTransfer.Status.EXPIRED or transfer.expires_at <= now:
        raise TransferNotOpen(_("This transfer has expired. Ask the sender to send the ticket again."))
    transfer_check_recipient(transfer=transfer, user=user)
    if ticket_owner_id(ticket) != transfer.from_user_id:
        raise TransferNotOpen()
    transfer_check_allowed(ticket=ticket, now=now)

    ticket.holder = None if user.pk == ticket.order.buyer_id else user
    ticket.save(update_fields=["holder", "updated_at"])
    name = (attendee_name or "").strip() or user.name or transfer.to_name
    ticket = ticket_reissue(ticket=ticket, actor=user, reason="transfer", now=now, attendee_name=name)
    transfer.status, transfer.accepted_by, transfer.accepted_at, transfer.closed_at = (
        TicketTransfer.Status.ACCEPTED, user, now, now,
    )  # fmt: skip
    transfer.save(update_fields=["status", "accepted_by", "accepted_at", "closed_at", "updated_at"])
    audit_record(
        actor=user,
        action="ticket.transfer_accepted",
        target=ticket,
        data={"transfer_id": transfer.pk, "from_user": transfer.from_user_id, "version": ticket.version},
        now=now,
    )
    transfer_accepted_queue(transfer=transfer)
    sender_name = transfer.from_user.name or transfer.from_user.email
    ticket_reissued_queue(ticket=ticket, to=user, reason="transfer", sender_name=sender_name)
    return ticket


def transfers_expire_due(*, now: datetime) -> int:
    """Write down pending transfers whose time is up (they already count as expired). Returns how many."""
    return TicketTransfer.objects.filter(status=TicketTransfer.Status.PENDING, expires_at__lte=now).update(
        status=TicketTransfer.Status.EXPIRED, closed_at=now, updated_at=now
    )
