"""E-mails about one ticket changing code or hands, rendered into the outbox in the caller's transaction (sent
after commit). Ticket files are attached as references and rendered when the message is sent."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import User
from notifications.services import email_queue
from tickets.files import seat_label, ticket_attachments
from tickets.models import Ticket, TicketTransfer


def _local(moment, event) -> str:
    return f"{formats.date_format(timezone.localtime(moment, event.tz), 'DATETIME_FORMAT')} ({event.timezone})"


def _ticket_context(ticket: Ticket) -> dict:
    event = ticket.event
    return {
        "event_title": event.title,
        "event_starts": _local(event.starts_at, event),
        "venue": f"{event.venue.name}, {event.venue.city}" if event.venue_id else "",
        "serial": ticket.serial,
        "attendee_name": ticket.attendee_name,
        "ticket_type": ticket.ticket_type.name,
        "seat": seat_label(ticket),
    }


def _ticket(ticket_id: int) -> Ticket:
    return Ticket.objects.select_related("event__venue", "ticket_type", "seat__row__section").get(pk=ticket_id)


def transfer_received_queue(*, transfer: TicketTransfer, token: str) -> None:
    """Offer the ticket to its recipient with the accept link. The link is a secret: the stored copy of the
    message is erased once it was sent."""
    ticket = _ticket(transfer.ticket_id)
    context = {
        **_ticket_context(ticket),
        "name": transfer.to_name,
        "sender_name": transfer.from_user.name or transfer.from_user.email,
        "message": transfer.message,
        "accept_url": settings.SITE_URL + reverse("tickets:transfer_accept", args=[token]),
        "expires": _local(transfer.expires_at, ticket.event),
    }
    email_queue(to=transfer.to_email, template="transfer_received", context=context, sensitive=True)


def transfer_accepted_queue(*, transfer: TicketTransfer) -> None:
    """Tell the sender their ticket was accepted and that their copy of it no longer works."""
    ticket = _ticket(transfer.ticket_id)
    recipient = transfer.accepted_by
    context = {
        **_ticket_context(ticket),
        "name": transfer.from_user.name,
        "recipient_name": recipient.name or transfer.to_name,
        "recipient_email": transfer.to_email,
    }
    email_queue(to=transfer.from_user.email, template="transfer_accepted", context=context)


def ticket_reissued_queue(*, ticket: Ticket, to: User, reason: str, sender_name: str = "") -> None:
    """Send the ticket with its new QR code (PDF and calendar entry attached) to whoever holds it.

    ``reason`` says why there is a new code: "transfer" (``sender_name`` passed it on), "holder" (they asked
    for one) or "organizer".
    """
    ticket = _ticket(ticket.pk)
    context = {
        **_ticket_context(ticket),
        "name": to.name,
        "reason": reason,
        "sender_name": sender_name,
        "tickets_url": settings.SITE_URL + reverse("tickets:my_tickets"),
    }
    email_queue(to=to.email, template="ticket_reissued", context=context, attachments=ticket_attachments([ticket]))
