"""Transfer races on PostgreSQL with real threads, one connection each (skipped on SQLite)."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.errors import Busy
from core.models import AuditLogEntry
from notifications.models import OutboundEmail
from tickets.errors import TransferAlreadyPending, TransferNotOpen
from tickets.models import Ticket, TicketTransfer
from tickets.services.transfers import transfer_accept, transfer_cancel
from tickets.tests.helpers_transfers import a_ticket, offer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_ten_offers_of_one_ticket_at_once_leave_one_pending_transfer(race):
    ticket = a_ticket()

    results = race(lambda i: offer(ticket, to_email=f"friend{i}@example.com"), n=10)

    assert sum(isinstance(result, TicketTransfer) for result in results) == 1
    # Losers wait on the ticket's row lock; under load some give up after the lock timeout (Busy, 409).
    assert all(isinstance(result, (TicketTransfer, TransferAlreadyPending, Busy)) for result in results), results
    assert TicketTransfer.objects.filter(status=TicketTransfer.Status.PENDING).count() == 1


def test_a_recipient_double_clicking_accept_reissues_the_ticket_once(race):
    ticket = a_ticket()
    recipient = UserFactory(email="ben@example.com")
    token = offer(ticket).token

    results = race(lambda i: transfer_accept(token=token, user=recipient, now=timezone.now()), n=8)

    assert all(isinstance(result, (Ticket, Busy)) for result in results), results
    assert any(isinstance(result, Ticket) for result in results)
    assert Ticket.objects.get(pk=ticket.pk).version == 2
    assert AuditLogEntry.objects.filter(action="ticket.reissued").count() == 1
    assert OutboundEmail.objects.filter(template="ticket_reissued").count() == 1


def test_accept_racing_cancel_ends_consistent(race):
    ticket = a_ticket()
    recipient = UserFactory(email="ben@example.com")
    transfer = offer(ticket)
    buyer = ticket.order.buyer

    def act(i):
        if i % 2:
            return transfer_cancel(transfer=transfer, sender=buyer, now=timezone.now())
        return transfer_accept(token=transfer.token, user=recipient, now=timezone.now())

    results = race(act, n=6)

    assert all(isinstance(result, (Ticket, TicketTransfer, TransferNotOpen, Busy)) for result in results), results
    transfer.refresh_from_db()
    ticket.refresh_from_db()
    if transfer.status == TicketTransfer.Status.ACCEPTED:
        assert ticket.holder == recipient and ticket.version == 2
    else:
        assert transfer.status == TicketTransfer.Status.CANCELLED
        assert ticket.holder is None and ticket.version == 1
