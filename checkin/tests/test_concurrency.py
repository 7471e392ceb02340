"""Exactly one admission per ticket under real concurrency (PostgreSQL; skipped on SQLite)."""

import pytest
from django.utils import timezone

from checkin.models import CheckIn, Reason, Scan
from checkin.services.scans import ScanInput, scan_redeem, scans_sync
from checkin.tests.factories import code_of, gate_staff, ticket_issued

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_ticket_redeemed_from_ten_devices_at_once_is_admitted_exactly_once(race, event):
    ticket = ticket_issued(event=event)
    staff = [gate_staff(event) for _ in range(10)]
    code = code_of(ticket)

    def device(i: int) -> str:
        outcome = scan_redeem(
            staff=staff[i],
            event=event,
            code=code,
            gate=f"G{i}",
            device_id=f"d{i}",
            scan_id=f"race-{i}",
            now=timezone.now(),
        )
        return outcome.reason

    results = race(device, 10, workers=10)

    assert sorted(results) == [Reason.ALREADY_USED] * 9 + [Reason.OK]
    assert CheckIn.objects.filter(ticket=ticket).count() == 1
    assert Scan.objects.filter(ticket=ticket).count() == 10
    winner = CheckIn.objects.get(ticket=ticket)
    losers = Scan.objects.exclude(result=Reason.OK)
    assert {scan.response["first_used"]["gate"] for scan in losers} == {winner.gate}


def test_the_same_scan_id_sent_by_ten_retries_at_once_is_recorded_once(race, event):
    ticket = ticket_issued(event=event)
    staff = gate_staff(event)
    code = code_of(ticket)

    def retry(i: int) -> tuple[str, bool]:
        outcome = scan_redeem(
            staff=staff, event=event, code=code, gate="G", device_id="d", scan_id="same", now=timezone.now()
        )
        return outcome.reason, outcome.replayed

    results = race(retry, 10, workers=10)

    assert sorted(results) == [(Reason.OK, False)] + [(Reason.OK, True)] * 9
    assert Scan.objects.count() == 1 and CheckIn.objects.count() == 1


def test_two_devices_uploading_the_same_ticket_at_once_record_both_and_flag_one(race, event):
    ticket = ticket_issued(event=event)
    staff = [gate_staff(event) for _ in range(2)]
    code = code_of(ticket)

    def upload(i: int) -> bool:
        (result,) = scans_sync(
            staff=staff[i],
            event=event,
            scans=[ScanInput(scan_id=f"off-{i}", code=code, device_id=f"d{i}")],
            now=timezone.now(),
        )
        return result.outcome.scan.conflict

    results = race(upload, 2, workers=2)

    assert sorted(results) == [False, True]
    assert Scan.objects.filter(ticket=ticket).count() == 2 and CheckIn.objects.count() == 1
