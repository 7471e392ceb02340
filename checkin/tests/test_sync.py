"""Offline uploads: idempotent per scan_id, and a ticket admitted on two devices is recorded twice, flagged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from checkin.models import CheckIn, Reason, Scan
from checkin.services.scans import ScanInput, scan_redeem, scans_sync
from checkin.tests.factories import code_of, gate_staff, ticket_issued

pytestmark = pytest.mark.django_db


def offline(scan_id, code, *, device="phone-1", gate="North", minutes_ago=10, result=Reason.OK):
    return ScanInput(
        scan_id=scan_id,
        code=code,
        gate=gate,
        device_id=device,
        device_time=timezone.now() - timedelta(minutes=minutes_ago),
        result=result,
    )


def test_a_batch_uploaded_three_times_admits_each_ticket_once_and_logs_each_scan_once(gate, event):
    tickets = [ticket_issued(event=event) for _ in range(3)]
    batch = [offline(f"dev1-{i}", code_of(ticket)) for i, ticket in enumerate(tickets)]

    results = [scans_sync(staff=gate, event=event, scans=batch, now=timezone.now()) for _ in range(3)]

    assert [r.outcome.reason for r in results[0]] == ["ok", "ok", "ok"]
    assert all(r.outcome.replayed for r in results[1] + results[2])
    assert [r.answer()["reason"] for r in results[2]] == ["ok", "ok", "ok"]
    assert CheckIn.objects.count() == 3
    assert Scan.objects.count() == 3


def test_offline_admissions_keep_the_device_time(gate, event, ticket):
    scan = offline("dev1-1", code_of(ticket), minutes_ago=25)

    scans_sync(staff=gate, event=event, scans=[scan], now=timezone.now())

    checkin = CheckIn.objects.get()
    assert checkin.admitted_at == scan.device_time and checkin.source == CheckIn.Source.OFFLINE
    assert checkin.scan.offline and not checkin.scan.conflict


def test_two_devices_admitting_the_same_ticket_offline_are_both_recorded_and_one_is_flagged(gate, event, ticket):
    other_device = gate_staff(event)
    scans_sync(staff=gate, event=event, scans=[offline("a-1", code_of(ticket), device="a")], now=timezone.now())

    (result,) = scans_sync(
        staff=other_device, event=event, scans=[offline("b-1", ticket.serial, device="b")], now=timezone.now()
    )

    assert result.outcome.reason == Reason.ALREADY_USED and result.answer()["conflict"] is True
    scans = Scan.objects.filter(ticket=ticket).order_by("pk")
    assert [(s.device_id, s.result, s.conflict) for s in scans] == [("a", "ok", False), ("b", "already_used", True)]
    assert CheckIn.objects.filter(ticket=ticket).count() == 1


def test_an_offline_admission_after_an_online_one_is_a_conflict(gate, event, ticket):
    scan_redeem(
        staff=gate, event=event, code=code_of(ticket), gate="Main", device_id="x", scan_id="on-1", now=timezone.now()
    )

    (result,) = scans_sync(staff=gate, event=event, scans=[offline("off-1", code_of(ticket))], now=timezone.now())

    assert result.answer()["conflict"] is True
    assert result.answer()["first_used"]["gate"] == "Main"


def test_an_offline_admission_of_a_ticket_refunded_meanwhile_is_a_conflict(gate, event):
    ticket = ticket_issued(event=event, status="refunded")

    (result,) = scans_sync(staff=gate, event=event, scans=[offline("off-1", code_of(ticket))], now=timezone.now())

    assert result.outcome.reason == Reason.REFUNDED and result.outcome.scan.conflict
    assert not CheckIn.objects.exists()


def test_a_scan_the_device_rejected_is_logged_with_its_reason_and_admits_nobody(gate, event, ticket):
    scan = offline("off-1", code_of(ticket), result=Reason.ALREADY_USED)

    (result,) = scans_sync(staff=gate, event=event, scans=[scan], now=timezone.now())

    assert result.outcome.reason == Reason.ALREADY_USED and not result.outcome.scan.conflict
    assert not CheckIn.objects.exists()


def test_the_same_scan_id_twice_in_one_batch_is_recorded_once(gate, event, ticket):
    batch = [offline("dup", code_of(ticket)), offline("dup", code_of(ticket))]

    results = scans_sync(staff=gate, event=event, scans=batch, now=timezone.now())

    assert [r.outcome.replayed for r in results] == [False, True]
    assert Scan.objects.count() == 1


def test_a_scan_id_taken_by_someone_else_is_an_error_for_that_scan_only(gate, event, ticket):
    other = gate_staff(event)
    scans_sync(staff=other, event=event, scans=[offline("taken", "junk")], now=timezone.now())

    results = scans_sync(
        staff=gate,
        event=event,
        scans=[offline("taken", code_of(ticket)), offline("mine", code_of(ticket))],
        now=timezone.now(),
    )

    assert results[0].error is not None and results[0].answer()["error"]["code"] == "scan_id_reused"
    assert results[1].outcome.reason == Reason.OK


def test_a_device_clock_in_the_future_is_not_trusted(gate, event, ticket):
    now = timezone.now()
    scan = ScanInput(scan_id="f-1", code=code_of(ticket), device_time=now + timedelta(hours=3))

    scans_sync(staff=gate, event=event, scans=[scan], now=now)

    checkin = CheckIn.objects.get()
    assert checkin.admitted_at == now and checkin.scan.device_time == scan.device_time
