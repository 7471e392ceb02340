"""Reissuing a ticket (SPEC §6): a new version, so earlier QR codes stop working at the gate."""

import pytest
from django.utils import timezone

from checkin.models import Reason
from checkin.services.codes import code_resolve
from core.models import AuditLogEntry
from events.tests.factories import TicketTypeFactory
from tickets.models import Ticket
from tickets.services.tickets import TicketNotReissuable, ticket_reissue
from tickets.signing import ticket_code
from tickets.tests.factories import order_booked

pytestmark = pytest.mark.django_db


def code_of(ticket: Ticket) -> str:
    return ticket_code(
        event_id=ticket.event_id, ticket_id=ticket.pk, ticket_type_id=ticket.ticket_type_id, version=ticket.version
    )


def test_reissue_revokes_the_old_code_and_the_new_one_is_admitted():
    ticket_type = TicketTypeFactory(event__starts_at=timezone.now() + timezone.timedelta(hours=1))
    ticket = order_booked(ticket_type=ticket_type).tickets.get()
    old_code, old_secret = code_of(ticket), ticket.secret

    reissued = ticket_reissue(ticket=ticket, actor=ticket.order.buyer, reason="lost phone", now=timezone.now())

    assert reissued.version == 2 and reissued.secret != old_secret and reissued.serial != ticket.serial
    now = timezone.now()
    assert code_resolve(event=ticket.event, code=old_code, at=now).reason == Reason.REVOKED
    assert code_resolve(event=ticket.event, code=ticket.serial, at=now).reason == Reason.INVALID  # old serial
    assert code_resolve(event=ticket.event, code=reissued.serial, at=now).reason == Reason.OK
    assert code_resolve(event=ticket.event, code=code_of(reissued), at=now).reason == Reason.OK
    entry = AuditLogEntry.objects.get(action="ticket.reissued")
    assert entry.data["from_version"] == 1 and entry.data["to_version"] == 2


def test_reissue_can_rename_the_attendee():
    ticket = order_booked(ticket_type=TicketTypeFactory(), names=["Old Name"]).tickets.get()

    reissued = ticket_reissue(ticket=ticket, actor=None, reason="transfer", now=timezone.now(), attendee_name=" New ")

    assert reissued.attendee_name == "New"
    assert AuditLogEntry.objects.get(action="ticket.reissued").data["renamed_from"] == "Old Name"


@pytest.mark.parametrize("status", [Ticket.Status.CANCELLED, Ticket.Status.REFUNDED])
def test_a_dead_ticket_is_not_reissued(status):
    ticket = order_booked(ticket_type=TicketTypeFactory()).tickets.get()
    Ticket.objects.filter(pk=ticket.pk).update(status=status)

    with pytest.raises(TicketNotReissuable):
        ticket_reissue(ticket=ticket, actor=None, reason="x", now=timezone.now())
    ticket.refresh_from_db()
    assert ticket.version == 1
