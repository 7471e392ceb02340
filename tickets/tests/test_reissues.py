"""New QR codes on request: by the holder (with their limits) and by the organizer (audited, holder notified)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from checkin.models import Reason
from checkin.services.scans import scan_redeem, scan_verify
from checkin.tests.conftest import new_scan_id
from checkin.tests.factories import code_of, gate_staff
from core.errors import NotFound
from core.models import AuditLogEntry
from events.models import Event
from events.tests.factories import EventFactory
from notifications.models import OutboundEmail
from tickets.errors import ReissueTooOften
from tickets.models import Ticket
from tickets.services.reissues import HOLDER_REISSUES_PER_DAY, ticket_reissue_by_holder, ticket_reissue_by_organizer
from tickets.services.tickets import TicketNotReissuable
from tickets.services.transfers import transfer_accept, transfer_offer
from tickets.tests.helpers_transfers import a_ticket

pytestmark = pytest.mark.django_db


def used_ticket() -> Ticket:
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=2))
    ticket = a_ticket(event=event)
    scan_redeem(staff=gate_staff(event), event=event, code=code_of(ticket), gate="A", device_id="d",
                scan_id=new_scan_id(), now=timezone.now())  # fmt: skip
    return ticket


# --- by the holder -------------------------------------------------------------------------------------


def test_holder_reissue_bumps_the_version_emails_the_ticket_and_revokes_the_old_code():
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=2))
    ticket = a_ticket(event=event)
    old_code = code_of(ticket)

    reissued = ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=timezone.now())

    assert reissued.version == 2 and reissued.secret != ticket.secret
    email = OutboundEmail.objects.get(template="ticket_reissued")
    assert email.to == ticket.order.buyer.email and len(email.attachments) == 2
    gate = gate_staff(event)
    assert scan_verify(staff=gate, event=event, code=old_code, now=timezone.now())["reason"] == Reason.REVOKED
    assert scan_verify(staff=gate, event=event, code=code_of(reissued), now=timezone.now())["reason"] == Reason.OK


def test_holder_reissue_is_audited_as_the_holders_request():
    ticket = a_ticket()

    ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=timezone.now())

    entry = AuditLogEntry.objects.get(action="ticket.reissued")
    assert entry.actor == ticket.order.buyer and entry.data["reason"] == "holder_request"


def test_only_the_current_holder_may_reissue():
    ticket = a_ticket()
    recipient = UserFactory(email="ben@example.com")
    transfer = transfer_offer(ticket=ticket, sender=ticket.order.buyer, to_email=recipient.email, to_name="Ben",
                              now=timezone.now())  # fmt: skip
    transfer_accept(token=transfer.token, user=recipient, now=timezone.now())

    with pytest.raises(NotFound):
        ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=timezone.now())
    assert ticket_reissue_by_holder(ticket=ticket, holder=recipient, now=timezone.now()).version == 3


def test_holder_reissue_of_a_used_ticket_is_refused():
    ticket = used_ticket()

    with pytest.raises(TicketNotReissuable) as exc:
        ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=timezone.now())

    assert "used" in exc.value.message


def test_holder_reissue_after_the_event_is_refused():
    ticket = a_ticket()

    with pytest.raises(TicketNotReissuable):
        ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=ticket.event.ends_at)


def test_holder_reissue_for_a_cancelled_event_is_refused():
    ticket = a_ticket()
    Event.objects.filter(pk=ticket.event_id).update(status=Event.Status.CANCELLED)

    with pytest.raises(TicketNotReissuable):
        ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=timezone.now())


@pytest.mark.parametrize("status", [Ticket.Status.UNPAID, Ticket.Status.REFUNDED])
def test_holder_reissue_of_a_ticket_that_is_not_valid_is_refused(status):
    ticket = a_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=status)

    with pytest.raises(TicketNotReissuable):
        ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=timezone.now())


def test_holder_reissues_are_limited_per_day():
    ticket, now = a_ticket(), timezone.now()
    for _ in range(HOLDER_REISSUES_PER_DAY):
        ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=now)

    with pytest.raises(ReissueTooOften):
        ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=now)
    assert ticket_reissue_by_holder(ticket=ticket, holder=ticket.order.buyer, now=now + timedelta(days=1, seconds=1))


# --- by the organizer -----------------------------------------------------------------------------------


def test_organizer_reissue_is_audited_with_the_reason_and_notifies_the_holder():
    ticket = a_ticket()
    organizer = ticket.event.organizer

    reissued = ticket_reissue_by_organizer(
        ticket=ticket, actor=organizer, reason="Shared on social media", now=timezone.now()
    )

    assert reissued.version == 2
    entry = AuditLogEntry.objects.get(action="ticket.reissued")
    assert entry.actor == organizer and entry.data["reason"] == "Shared on social media"
    assert OutboundEmail.objects.get(template="ticket_reissued").to == ticket.order.buyer.email


def test_organizer_may_reissue_a_used_ticket_and_it_stays_used():
    ticket = used_ticket()

    reissued = ticket_reissue_by_organizer(ticket=ticket, actor=ticket.event.organizer, reason="x", now=timezone.now())

    answer = scan_verify(staff=gate_staff(ticket.event), event=ticket.event, code=code_of(reissued), now=timezone.now())
    assert reissued.version == 2 and answer["reason"] == Reason.ALREADY_USED


def test_organizer_reissue_of_an_unpaid_ticket_sends_nothing():
    ticket = a_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.UNPAID)

    ticket_reissue_by_organizer(ticket=ticket, actor=ticket.event.organizer, reason="x", now=timezone.now())

    assert not OutboundEmail.objects.filter(template="ticket_reissued").exists()


def test_organizer_reissue_of_a_refunded_ticket_is_refused():
    ticket = a_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.REFUNDED)

    with pytest.raises(TicketNotReissuable):
        ticket_reissue_by_organizer(ticket=ticket, actor=ticket.event.organizer, reason="x", now=timezone.now())
