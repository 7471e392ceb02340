"""Verify and redeem at the service level: every reason, exactly one admission, every scan logged, replays."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.tests.factories import UserFactory
from checkin.errors import NotEventStaff, ScanIdReused
from checkin.models import CheckIn, Reason, Scan
from checkin.services.access import staff_can_scan
from checkin.services.scans import scan_redeem, scan_verify
from checkin.tests.conftest import new_scan_id
from checkin.tests.factories import code_of, event_soon, gate_staff, ticket_issued
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Order, Ticket
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout, order_mark_paid
from tickets.signing import ticket_code

pytestmark = pytest.mark.django_db


def redeem(staff, event, code, *, gate="North", scan_id=None, now=None, device_id="phone-1"):
    return scan_redeem(
        staff=staff,
        event=event,
        code=code,
        gate=gate,
        device_id=device_id,
        scan_id=scan_id or new_scan_id(),
        now=now or timezone.now(),
    )


# --- reasons -------------------------------------------------------------------------------------------


def test_redeem_admits_a_valid_ticket_once_and_records_the_scan(gate, event, ticket):
    outcome = redeem(gate, event, code_of(ticket))

    assert outcome.reason == Reason.OK
    checkin = CheckIn.objects.get(ticket=ticket)
    assert checkin.scan == outcome.scan and checkin.gate == "North" and checkin.staff == gate
    assert outcome.answer()["ticket"]["holder"] == "Ada Lovelace"
    assert outcome.answer()["checked_in"]["gate"] == "North"


def test_redeem_of_a_used_ticket_answers_already_used_with_when_and_where(gate, event, ticket):
    first = redeem(gate, event, code_of(ticket), gate="North")

    second = redeem(gate, event, code_of(ticket), gate="South")

    assert second.reason == Reason.ALREADY_USED
    answer = second.answer()
    assert answer["error"]["code"] == "already_used"
    assert answer["first_used"] == {"at": first.answer()["checked_in"]["at"], "gate": "North"}
    assert CheckIn.objects.filter(ticket=ticket).count() == 1
    assert Scan.objects.filter(ticket=ticket).count() == 2


def test_garbage_is_invalid(gate, event):
    outcome = redeem(gate, event, "hello world")

    assert outcome.reason == Reason.INVALID
    assert outcome.scan.ticket is None and outcome.answer()["ticket"] is None


def test_a_forged_signature_is_invalid(gate, event, ticket):
    code = code_of(ticket)
    forged = code[:-3] + ("AAA" if not code.endswith("AAA") else "BBB")

    assert redeem(gate, event, forged).reason == Reason.INVALID


def test_a_signed_code_of_a_ticket_that_does_not_exist_is_invalid(gate, event, ticket):
    code = ticket_code(event_id=event.pk, ticket_id=ticket.pk + 1000, ticket_type_id=ticket.ticket_type_id, version=1)

    assert redeem(gate, event, code).reason == Reason.INVALID


def test_a_code_of_another_event_is_wrong_event_and_reveals_nothing(gate, event):
    other = ticket_issued(event=event_soon())

    outcome = redeem(gate, event, code_of(other))

    assert outcome.reason == Reason.WRONG_EVENT
    assert outcome.answer()["ticket"] is None and outcome.scan.ticket is None
    assert not CheckIn.objects.exists()


def test_a_serial_of_another_event_is_wrong_event(gate, event):
    other = ticket_issued(event=event_soon())

    assert redeem(gate, event, other.serial).reason == Reason.WRONG_EVENT


def test_an_older_version_of_a_reissued_ticket_is_revoked(gate, event):
    ticket = ticket_issued(event=event, version=2)

    outcome = redeem(gate, event, code_of(ticket, version=1))

    assert outcome.reason == Reason.REVOKED
    assert redeem(gate, event, code_of(ticket)).reason == Reason.OK


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Ticket.Status.UNPAID, Reason.UNPAID),
        (Ticket.Status.CANCELLED, Reason.CANCELLED),
        (Ticket.Status.REFUNDED, Reason.REFUNDED),
    ],
)
def test_a_ticket_that_is_not_valid_answers_its_status(gate, event, status, reason):
    ticket = ticket_issued(event=event, status=status)

    outcome = redeem(gate, event, code_of(ticket))

    assert outcome.reason == reason
    assert outcome.answer()["ticket"]["status"] == status
    assert not CheckIn.objects.exists()


def test_scanning_before_check_in_opens_is_not_yet_valid(gate):
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=7))
    staff = gate_staff(event)
    ticket = ticket_issued(event=event)

    outcome = redeem(staff, event, code_of(ticket))

    assert outcome.reason == Reason.NOT_YET_VALID
    assert outcome.answer()["opens_at"] is not None


@override_settings(CHECKIN_OPENS_HOURS_BEFORE=8)
def test_the_opening_hour_is_a_setting():
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=7))
    ticket = ticket_issued(event=event)

    assert redeem(gate_staff(event), event, code_of(ticket)).reason == Reason.OK


@pytest.mark.parametrize("typed", ["{serial}", "  {lower}  ", "{spaced}", "\t{serial}\r\n"])
def test_a_typed_serial_is_case_and_whitespace_tolerant(gate, event, ticket, typed):
    serial = ticket.serial
    text = typed.format(serial=serial, lower=serial.lower(), spaced=serial[:3] + " " + serial[3:8] + " " + serial[8:])

    outcome = redeem(gate, event, text)

    assert outcome.reason == Reason.OK
    assert outcome.scan.method == Scan.Method.SERIAL


def test_an_unknown_serial_is_invalid(gate, event):
    assert redeem(gate, event, "EH-2026-ZZZZZZ").reason == Reason.INVALID


def test_a_qr_code_with_scanner_noise_around_it_still_reads(gate, event, ticket):
    assert redeem(gate, event, "\x00" + code_of(ticket) + "\r\n").reason == Reason.OK


def test_a_ticket_bought_through_checkout_is_admitted(gate, event):
    ticket_type = TicketTypeFactory(event=event, capacity=10)
    buyer, now = UserFactory(), timezone.now()
    hold = hold_create(buyer=buyer, event=event, lines=[LineRequest(ticket_type.pk, 1, ())], now=now)
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=["Grace Hopper"], now=now)
    order = order_mark_paid(order_id=order.pk, now=now).order
    ticket = order.tickets.get()

    outcome = redeem(gate, event, code_of(ticket))

    assert order.status == Order.Status.PAID
    assert outcome.reason == Reason.OK and outcome.answer()["ticket"]["holder"] == "Grace Hopper"


# --- logging and idempotency -----------------------------------------------------------------------------


def test_every_outcome_is_logged_with_staff_device_gate_and_time(gate, event, ticket):
    now = timezone.now()

    redeem(gate, event, "nonsense", gate="West", device_id="tablet-7", now=now)

    scan = Scan.objects.get()
    assert (scan.staff, scan.device_id, scan.gate, scan.scanned_at, scan.result) == (
        gate,
        "tablet-7",
        "West",
        now,
        Reason.INVALID,
    )


def test_a_repeated_scan_id_returns_the_first_answer_and_records_nothing(gate, event, ticket):
    first = redeem(gate, event, code_of(ticket), scan_id="scan-1")

    again = redeem(gate, event, code_of(ticket), scan_id="scan-1")

    assert again.replayed and again.reason == Reason.OK
    assert again.answer() == {**first.answer(), "replayed": True}
    assert Scan.objects.count() == 1


def test_a_scan_id_of_someone_else_is_refused(gate, event, ticket):
    redeem(gate, event, code_of(ticket), scan_id="scan-1")
    other = gate_staff(event)

    with pytest.raises(ScanIdReused):
        redeem(other, event, code_of(ticket), scan_id="scan-1")


def test_verify_tells_everything_and_writes_nothing(gate, event, ticket):
    answer = scan_verify(staff=gate, event=event, code=code_of(ticket), now=timezone.now())

    assert answer["reason"] == "ok" and answer["admissible"] is True
    assert answer["ticket"]["serial"] == ticket.serial and answer["ticket"]["ticket_type"] == ticket.ticket_type.name
    assert not Scan.objects.exists() and not CheckIn.objects.exists()


def test_verify_of_a_used_ticket_says_where_it_was_used(gate, event, ticket):
    redeem(gate, event, code_of(ticket), gate="North")

    answer = scan_verify(staff=gate, event=event, code=ticket.serial, now=timezone.now())

    assert answer["reason"] == "already_used" and answer["first_used"]["gate"] == "North"
    assert "North" in answer["message"]


# --- access --------------------------------------------------------------------------------------------


def test_staff_organizer_and_admins_may_scan_others_may_not(event, gate):
    assert staff_can_scan(user=gate, event=event)
    assert staff_can_scan(user=event.organizer, event=event)
    assert staff_can_scan(user=UserFactory(admin=True), event=event)
    assert not staff_can_scan(user=UserFactory(), event=event)
    assert not staff_can_scan(user=UserFactory(organizer=True), event=event)


def test_staff_of_another_event_cannot_redeem_and_nothing_is_recorded(event, ticket):
    stranger = gate_staff(event_soon())

    with pytest.raises(NotEventStaff):
        redeem(stranger, event, code_of(ticket))

    assert not Scan.objects.exists()


def test_an_event_with_only_junk_scans_can_still_be_deleted(gate, event):
    redeem(gate, event, "junk")

    event.delete()

    assert not Scan.objects.exists()
