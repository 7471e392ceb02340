"""Ticket transfers at the service level: every rule when offering and accepting, holder visibility, the
e-mails, cancel, expiry, and the gate refusing the sender's old code while admitting the new one."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from checkin.models import Reason
from checkin.selectors import offline_bundle
from checkin.services.scans import scan_redeem, scan_verify
from checkin.tests.conftest import new_scan_id
from checkin.tests.factories import code_of, gate_staff
from core.errors import NotFound, RateLimited
from core.models import AuditLogEntry
from events.models import Event
from events.tests.factories import EventFactory
from notifications.models import OutboundEmail
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
from tickets.models import Ticket, TicketTransfer
from tickets.selectors import order_get_for_buyer, ticket_list_for_owner
from tickets.selectors_transfers import transfer_get_by_token, transfer_token_hash
from tickets.services.transfers import (
    OFFERS_PER_TICKET_PER_DAY,
    transfer_accept,
    transfer_cancel,
    transfers_expire_due,
)
from tickets.tests.helpers_transfers import a_ticket, offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    return a_ticket()


@pytest.fixture
def recipient():
    return UserFactory(email="ben@example.com", name="Ben Adeyemi")


# --- offering ------------------------------------------------------------------------------------------


def test_offer_creates_a_pending_transfer_stores_only_a_hash_and_emails_the_link(ticket):
    transfer = offer(ticket, message="Have fun!")

    assert transfer.status == TicketTransfer.Status.PENDING
    assert transfer.token and transfer.token_hash == transfer_token_hash(transfer.token)
    assert transfer.token not in transfer.token_hash
    email = OutboundEmail.objects.get(template="transfer_received")
    assert email.to == "ben@example.com" and email.sensitive
    assert f"/tickets/transfers/{transfer.token}/" in email.body_text
    assert "Have fun!" in email.body_text and ticket.event.title in email.subject
    assert AuditLogEntry.objects.filter(action="ticket.transfer_offered", target_id=str(ticket.pk)).exists()


def test_offer_keeps_the_ticket_with_the_sender_until_accepted(ticket):
    offer(ticket)

    ticket.refresh_from_db()
    assert ticket.holder is None and ticket.version == 1
    assert list(ticket_list_for_owner(owner=ticket.order.buyer)) == [ticket]


def test_a_transfer_expires_after_a_week_or_when_transfers_close_whichever_is_first():
    now = timezone.now()
    far = a_ticket(starts_at=now + timedelta(days=30))
    near = a_ticket(starts_at=now + timedelta(days=3), transfer_cutoff_hours=24)

    assert offer(far, now=now).expires_at == now + timedelta(days=7)
    assert offer(near, now=now).expires_at == near.event.starts_at - timedelta(hours=24)


def test_offer_of_someone_elses_ticket_is_not_found(ticket):
    with pytest.raises(NotFound):
        offer(ticket, sender=UserFactory())


def test_offer_to_yourself_is_refused_whatever_the_case(ticket):
    ticket.order.buyer.email = "amara@example.com"
    ticket.order.buyer.save()

    with pytest.raises(TransferToSelf) as exc:
        offer(ticket, to_email="  AMARA@Example.com ")

    assert "to_email" in exc.value.fields


def test_a_second_pending_transfer_of_the_same_ticket_is_refused(ticket):
    offer(ticket)

    with pytest.raises(TransferAlreadyPending):
        offer(ticket, to_email="carla@example.com")


def test_the_database_allows_one_pending_transfer_per_ticket(ticket):
    first = offer(ticket)

    with pytest.raises(IntegrityError):
        TicketTransfer.objects.create(
            ticket=ticket,
            from_user=first.from_user,
            to_email="x@example.com",
            to_name="X",
            token_hash="y" * 64,
            expires_at=first.expires_at,
        )


def test_an_expired_transfer_does_not_block_a_new_one(ticket):
    now = timezone.now()
    old = offer(ticket, now=now - timedelta(days=8))

    offer(ticket, to_email="carla@example.com", now=now)

    old.refresh_from_db()
    assert old.status == TicketTransfer.Status.EXPIRED


def test_offer_is_refused_when_the_organizer_disabled_transfers():
    ticket = a_ticket(transfers_enabled=False)

    with pytest.raises(TransfersDisabled):
        offer(ticket)


def test_offer_is_refused_within_the_cutoff_before_the_start():
    now = timezone.now()
    ticket = a_ticket(starts_at=now + timedelta(hours=10), transfer_cutoff_hours=12)

    with pytest.raises(TransfersClosed) as exc:
        offer(ticket, now=now)

    assert "12 hours" in exc.value.message


def test_offer_is_allowed_just_before_the_cutoff():
    now = timezone.now()
    ticket = a_ticket(starts_at=now + timedelta(hours=13), transfer_cutoff_hours=12)

    assert offer(ticket, now=now).status == TicketTransfer.Status.PENDING


def test_offer_is_refused_once_the_event_started(ticket):
    with pytest.raises(TransfersClosed):
        offer(ticket, now=ticket.event.starts_at + timedelta(minutes=1))


def test_offer_is_refused_for_a_cancelled_event(ticket):
    Event.objects.filter(pk=ticket.event_id).update(status=Event.Status.CANCELLED)

    with pytest.raises(TicketNotTransferable):
        offer(ticket)


@pytest.mark.parametrize("status", [Ticket.Status.UNPAID, Ticket.Status.CANCELLED, Ticket.Status.REFUNDED])
def test_offer_is_refused_for_a_ticket_that_is_not_valid(ticket, status):
    Ticket.objects.filter(pk=ticket.pk).update(status=status)

    with pytest.raises(TicketNotTransferable):
        offer(ticket)


def test_offer_is_refused_for_a_ticket_used_at_the_entrance():
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=2))
    ticket = a_ticket(event=event)
    scan_redeem(
        staff=gate_staff(event), event=event, code=code_of(ticket), gate="A", device_id="d", scan_id=new_scan_id(),
        now=timezone.now(),
    )  # fmt: skip

    with pytest.raises(TicketNotTransferable) as exc:
        offer(ticket)

    assert "used" in exc.value.message


def test_offers_of_one_ticket_are_limited_per_day(ticket):
    for number in range(OFFERS_PER_TICKET_PER_DAY):
        transfer_cancel(transfer=offer(ticket, to_email=f"p{number}@example.com"), sender=ticket.order.buyer,
                        now=timezone.now())  # fmt: skip

    with pytest.raises(RateLimited):
        offer(ticket)


# --- accepting -----------------------------------------------------------------------------------------


def test_accept_hands_the_ticket_over_with_a_new_code_in_the_recipients_name(ticket, recipient):
    transfer = offer(ticket)

    accepted = transfer_accept(token=transfer.token, user=recipient, now=timezone.now())

    accepted.refresh_from_db()
    assert accepted.holder == recipient
    assert accepted.version == 2 and accepted.attendee_name == "Ben Adeyemi"
    transfer.refresh_from_db()
    assert transfer.status == TicketTransfer.Status.ACCEPTED and transfer.accepted_by == recipient
    assert AuditLogEntry.objects.filter(action="ticket.reissued", data__reason="transfer").exists()
    assert AuditLogEntry.objects.filter(action="ticket.transfer_accepted", actor=recipient).exists()


def test_accept_uses_the_name_the_recipient_typed(ticket, recipient):
    transfer = offer(ticket)

    accepted = transfer_accept(token=transfer.token, user=recipient, now=timezone.now(), attendee_name="  Benny A ")

    assert Ticket.objects.get(pk=accepted.pk).attendee_name == "Benny A"


def test_accept_matches_the_email_case_insensitively(ticket):
    transfer = offer(ticket, to_email="Ben.Adeyemi@Example.com")
    user = UserFactory(email="ben.adeyemi@example.com")

    transfer_accept(token=transfer.token, user=user, now=timezone.now())

    assert Ticket.objects.get(pk=ticket.pk).holder == user


def test_after_accepting_the_recipient_holds_the_ticket_and_the_buyer_keeps_only_the_receipt(ticket, recipient):
    buyer = ticket.order.buyer
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())

    assert list(ticket_list_for_owner(owner=recipient)) == [ticket]
    assert list(ticket_list_for_owner(owner=buyer)) == []
    receipt_ticket = order_get_for_buyer(buyer=buyer, code=ticket.order.code).tickets.get()
    assert receipt_ticket.transferred_away and receipt_ticket.transferred_to == "ben@example.com"


def test_accept_emails_the_new_ticket_to_the_recipient_and_a_note_to_the_sender(ticket, recipient):
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())

    note = OutboundEmail.objects.get(template="transfer_accepted")
    assert note.to == ticket.order.buyer.email and "Ben Adeyemi" in note.body_text
    new_ticket = OutboundEmail.objects.get(template="ticket_reissued")
    old_serial = ticket.serial
    ticket.refresh_from_db()
    assert ticket.serial != old_serial  # reissued: the old serial is no use at the gate either
    assert new_ticket.to == recipient.email and ticket.serial in new_ticket.body_text
    assert {item["kind"] for item in new_ticket.attachments} == {"ticket_pdf", "ticket_ics"}


def test_accept_twice_by_the_recipient_changes_nothing_the_second_time(ticket, recipient):
    transfer = offer(ticket)
    transfer_accept(token=transfer.token, user=recipient, now=timezone.now())

    again = transfer_accept(token=transfer.token, user=recipient, now=timezone.now())

    assert again.pk == ticket.pk and Ticket.objects.get(pk=ticket.pk).version == 2
    assert OutboundEmail.objects.filter(template="ticket_reissued").count() == 1


def test_accept_of_an_accepted_transfer_by_someone_else_is_refused(ticket, recipient):
    transfer = offer(ticket)
    transfer_accept(token=transfer.token, user=recipient, now=timezone.now())

    with pytest.raises(TransferNotOpen):
        transfer_accept(token=transfer.token, user=UserFactory(), now=timezone.now())


def test_accept_with_another_account_is_refused(ticket):
    transfer = offer(ticket)

    with pytest.raises(TransferWrongAccount):
        transfer_accept(token=transfer.token, user=UserFactory(email="eve@example.com"), now=timezone.now())

    assert Ticket.objects.get(pk=ticket.pk).holder is None


def test_accept_needs_a_verified_email(ticket):
    transfer = offer(ticket)
    unverified = UserFactory(email="ben@example.com", unverified=True)

    with pytest.raises(NotVerified):
        transfer_accept(token=transfer.token, user=unverified, now=timezone.now())


def test_accept_with_an_unknown_token_is_not_found(recipient):
    with pytest.raises(NotFound):
        transfer_accept(token="not-a-token", user=recipient, now=timezone.now())


def test_accept_of_a_cancelled_transfer_is_refused(ticket, recipient):
    transfer = offer(ticket)
    transfer_cancel(transfer=transfer, sender=ticket.order.buyer, now=timezone.now())

    with pytest.raises(TransferNotOpen) as exc:
        transfer_accept(token=transfer.token, user=recipient, now=timezone.now())

    assert "cancelled" in exc.value.message


def test_accept_after_expiry_is_refused_even_before_the_sweep(ticket, recipient):
    transfer = offer(ticket)

    with pytest.raises(TransferNotOpen) as exc:
        transfer_accept(token=transfer.token, user=recipient, now=transfer.expires_at + timedelta(seconds=1))

    assert "expired" in exc.value.message


def test_accept_rechecks_the_rules_when_the_organizer_disabled_transfers_meanwhile(ticket, recipient):
    transfer = offer(ticket)
    Event.objects.filter(pk=ticket.event_id).update(transfers_enabled=False)

    with pytest.raises(TransfersDisabled):
        transfer_accept(token=transfer.token, user=recipient, now=timezone.now())


def test_accept_rechecks_the_rules_when_the_ticket_was_refunded_meanwhile(ticket, recipient):
    transfer = offer(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.REFUNDED)

    with pytest.raises(TicketNotTransferable):
        transfer_accept(token=transfer.token, user=recipient, now=timezone.now())


def test_the_new_holder_can_pass_the_ticket_on_again_and_the_buyer_sees_whom_they_sent_it_to(ticket, recipient):
    buyer = ticket.order.buyer
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())
    carla = UserFactory(email="carla@example.com")

    second = offer(ticket, sender=recipient, to_email=carla.email, to_name="Carla")
    transfer_accept(token=second.token, user=carla, now=timezone.now())

    assert Ticket.objects.get(pk=ticket.pk).holder == carla and list(ticket_list_for_owner(owner=recipient)) == []
    receipt_ticket = order_get_for_buyer(buyer=buyer, code=ticket.order.code).tickets.get()
    assert receipt_ticket.transferred_to == "ben@example.com"


def test_a_ticket_given_back_to_its_buyer_is_theirs_again(ticket, recipient):
    buyer = ticket.order.buyer
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())

    back = offer(ticket, sender=recipient, to_email=buyer.email, to_name=buyer.name)
    transfer_accept(token=back.token, user=buyer, now=timezone.now())

    assert Ticket.objects.get(pk=ticket.pk).holder is None
    assert list(ticket_list_for_owner(owner=buyer)) == [ticket]


def test_the_previous_holder_cannot_offer_a_ticket_they_gave_away(ticket, recipient):
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())

    with pytest.raises(NotFound):
        offer(ticket, to_email="carla@example.com")


# --- cancelling and expiry -------------------------------------------------------------------------------


def test_cancel_closes_the_transfer_and_repeating_it_changes_nothing(ticket):
    transfer = offer(ticket)

    transfer_cancel(transfer=transfer, sender=ticket.order.buyer, now=timezone.now())
    again = transfer_cancel(transfer=transfer, sender=ticket.order.buyer, now=timezone.now())

    assert again.status == TicketTransfer.Status.CANCELLED and again.closed_at is not None
    assert AuditLogEntry.objects.filter(action="ticket.transfer_cancelled").count() == 1


def test_cancel_by_someone_else_is_not_found(ticket):
    transfer = offer(ticket)

    with pytest.raises(NotFound):
        transfer_cancel(transfer=transfer, sender=UserFactory(), now=timezone.now())


def test_cancel_after_acceptance_is_refused(ticket, recipient):
    transfer = offer(ticket)
    transfer_accept(token=transfer.token, user=recipient, now=timezone.now())

    with pytest.raises(TransferNotOpen):
        transfer_cancel(transfer=transfer, sender=ticket.order.buyer, now=timezone.now())


def test_the_sweep_writes_down_expired_transfers_only(ticket):
    now = timezone.now()
    stale = offer(ticket, now=now - timedelta(days=8))
    fresh = offer(a_ticket(), now=now)

    assert transfers_expire_due(now=now) == 1

    stale.refresh_from_db(), fresh.refresh_from_db()
    assert stale.status == TicketTransfer.Status.EXPIRED and fresh.status == TicketTransfer.Status.PENDING


def test_a_transfer_is_found_by_its_token_only(ticket):
    transfer = offer(ticket)

    assert transfer_get_by_token(token=transfer.token).pk == transfer.pk
    with pytest.raises(NotFound):
        transfer_get_by_token(token=transfer.token_hash)


# --- at the gate ---------------------------------------------------------------------------------------


def test_after_a_transfer_the_old_qr_is_revoked_at_the_gate_and_the_new_one_admitted(recipient):
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=2))
    ticket = a_ticket(event=event)
    old_code = code_of(ticket)
    gate = gate_staff(event)
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())
    ticket.refresh_from_db()

    def redeem(code):
        return scan_redeem(staff=gate, event=event, code=code, gate="North", device_id="p1", scan_id=new_scan_id(),
                           now=timezone.now())  # fmt: skip

    assert redeem(old_code).reason == Reason.REVOKED
    assert scan_verify(staff=gate, event=event, code=old_code, now=timezone.now())["reason"] == Reason.REVOKED
    admitted = redeem(code_of(ticket))
    assert admitted.reason == Reason.OK and admitted.answer()["ticket"]["holder"] == "Ben Adeyemi"
    assert {"ticket_id": ticket.pk, "min_version": 2} in offline_bundle(event=event, include_tickets=False)["revoked"]


def test_the_old_qr_keeps_working_while_the_transfer_is_pending():
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=2))
    ticket = a_ticket(event=event)
    offer(ticket)

    answer = scan_verify(staff=gate_staff(event), event=event, code=code_of(ticket), now=timezone.now())

    assert answer["reason"] == Reason.OK
