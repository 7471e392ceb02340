"""Reads for reissuing and transferring tickets: a transfer by its link's token, a ticket's open transfer, and a
ticket as its event's organizer sees it.

Who holds a ticket: ``Ticket.holder`` once it was transferred, otherwise the buyer of its order
(``ticket_owner_q`` in tickets.selectors). A pending transfer whose ``expires_at`` has passed counts as expired
everywhere, before the periodic sweep writes it down.
"""

import hashlib
from datetime import datetime

from django.db.models import Prefetch

from accounts.models import User
from core.errors import NotFound
from tickets.models import Ticket, TicketTransfer

TOKEN_MAX_LENGTH = 100


def transfer_token_hash(token: str) -> str:
    """What the database keeps of a transfer link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def transfer_get_by_token(*, token: str) -> TicketTransfer:
    """The transfer a link points to, with its ticket, event and sender loaded.

    Raises: NotFound for an unknown or malformed token.
    """
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise NotFound()
    transfer = (
        TicketTransfer.objects.select_related(
            "from_user", "accepted_by", "ticket__event__venue", "ticket__ticket_type", "ticket__seat__row__section"
        )
        .filter(token_hash=transfer_token_hash(token))
        .first()
    )
    if transfer is None:
        raise NotFound()
    return transfer


def transfer_is_open(transfer: TicketTransfer, *, now: datetime) -> bool:
    return transfer.status == TicketTransfer.Status.PENDING and transfer.expires_at > now


def transfer_get_open(*, ticket: Ticket, now: datetime) -> TicketTransfer | None:
    """The ticket's pending transfer that has not expired, if any."""
    return (
        TicketTransfer.objects.filter(ticket=ticket, status=TicketTransfer.Status.PENDING, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )


def open_transfers_prefetch(*, now: datetime) -> Prefetch:
    """Prefetch for a ticket list: ``ticket.open_transfers`` holds its open transfer (or nothing)."""
    open_ones = TicketTransfer.objects.filter(status=TicketTransfer.Status.PENDING, expires_at__gt=now)
    return Prefetch("transfers", queryset=open_ones.order_by("-created_at"), to_attr="open_transfers")


def ticket_get_for_organizer(*, organizer: User, pk: int) -> Ticket:
    """A ticket of one of the organizer's events (any event for admins), with its order, buyer and holder.

    Raises: NotFound — also for another organizer's ticket.
    """
    tickets = Ticket.objects.select_related(
        "event", "event__venue", "ticket_type", "order__buyer", "holder", "seat__row__section"
    )
    if not organizer.is_admin:
        tickets = tickets.filter(event__organizer=organizer)
    ticket = tickets.filter(pk=pk).first()
    if ticket is None:
        raise NotFound()
    return ticket
