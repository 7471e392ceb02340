"""Gate scans: verify (read only), redeem (admit once), and upload of scans made offline.

Exactly one admission per ticket is the database's job: ``CheckIn.ticket`` is one-to-one, and the insert runs
in a savepoint, so of any number of concurrent redeems one commits and the others get an IntegrityError and
answer ``already_used`` with the first admission's time and gate. The ticket row is locked (NO KEY UPDATE) just
before admitting, so a cancellation or reissue at the same moment either comes first (no admission) or finds
the check-in (no cancellation).

Every outcome is stored as a ``Scan`` with the exact answer given. Devices retry: a ``scan_id`` seen before
returns that stored answer unchanged (``replayed: true``) and records nothing new.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import User
from checkin.errors import ScanIdReused
from checkin.models import CheckIn, Reason, Scan
from checkin.services.access import staff_check_can_scan
from checkin.services.answers import redeem_answer, verdict
from checkin.services.codes import Resolution, code_resolve
from core.errors import DomainError
from events.models import Event
from tickets.models import Ticket


@dataclass(frozen=True)
class ScanInput:
    """One scan as a device reports it. ``result`` is the device's own verdict for scans made offline."""

    scan_id: str
    code: str
    gate: str = ""
    device_id: str = ""
    device_time: datetime | None = None
    result: str = Reason.OK


@dataclass(frozen=True)
class ScanOutcome:
    scan: Scan
    replayed: bool

    @property
    def reason(self) -> str:
        return self.scan.result

    def answer(self) -> dict:
        return {**self.scan.response, "replayed": self.replayed}


def scan_verify(*, staff: User, event: Event, code: str, now: datetime) -> dict:
    """Say what ``code`` is worth at ``event`` now — holder, ticket type, seat, status, reason. Writes nothing.

    Raises: NotEventStaff.
    """
    staff_check_can_scan(user=staff, event=event)
    return verdict(code_resolve(event=event, code=code, at=now), event)


def scan_redeem(
    *, staff: User, event: Event, code: str, gate: str, device_id: str, scan_id: str, now: datetime
) -> ScanOutcome:
    """Admit the ticket behind ``code`` unless it was admitted before; log the scan either way.

    Locks: none (the CheckIn one-to-one key decides races).
    Raises: NotEventStaff, ScanIdReused.
    """
    staff_check_can_scan(user=staff, event=event)
    scan = ScanInput(scan_id=scan_id, code=code, gate=gate, device_id=device_id)
    return _scan_record(staff=staff, event=event, scan=scan, offline=False, now=now)


def scan_reject(
    *, staff: User, event: Event, code: str, gate: str, device_id: str, scan_id: str, reason: str, now: datetime
) -> ScanOutcome:
    """Log a code the gate turned away online after ``verify`` said no, so that every scan is in the log.
    The gate's verdict is stored as given and nobody is admitted — even if the ticket became admissible
    in between (the person was sent away; a new scan admits them).

    Locks: none.
    Raises: NotEventStaff, ScanIdReused.
    """
    staff_check_can_scan(user=staff, event=event)
    scan = ScanInput(scan_id=scan_id, code=code, gate=gate, device_id=device_id, result=reason)
    return _scan_record(staff=staff, event=event, scan=scan, offline=False, now=now, turned_away=True)


@dataclass(frozen=True)
class SyncResult:
    scan_id: str
    outcome: ScanOutcome | None = None
    error: DomainError | None = None

    def answer(self) -> dict:
        if self.outcome is not None:
            return {**self.outcome.answer(), "conflict": self.outcome.scan.conflict}
        return {
            "scan_id": self.scan_id,
            "reason": None,
            "error": {"code": self.error.code, "message": self.error.message, "fields": self.error.fields},
        }


def scans_sync(*, staff: User, event: Event, scans: Sequence[ScanInput], now: datetime) -> list[SyncResult]:
    """Record scans a device made offline, in the order given; one result per scan.

    Each scan commits on its own, so a batch cut off half-way is completed by uploading it again (scans
    already stored are replayed, never duplicated). A scan the device admitted (``result`` ok) is admitted
    here if the ticket is still admissible; otherwise it is stored with the server's reason and flagged
    ``conflict`` — the person is inside, the organizer should know. A scan the device rejected is stored
    with the device's reason and admits nobody.
    Raises: NotEventStaff (for the whole batch).
    """
    staff_check_can_scan(user=staff, event=event)
    results = []
    for scan in scans:
        try:
            outcome = _scan_record(staff=staff, event=event, scan=scan, offline=True, now=now)
        except ScanIdReused as exc:
            results.append(SyncResult(scan.scan_id, error=exc))
        else:
            results.append(SyncResult(scan.scan_id, outcome=outcome))
    return results


def _ticket_lock_unchanged(ticket: Ticket) -> bool:
    """Lock the ticket row until commit and say whether it is still valid at the version resolved.

    A cancellation or a reissue locks the ticket too, so either it waits for this admission (and then finds
    the check-in), or this admission waits for it (and then finds the ticket changed): never both.
    """
    row = Ticket.objects.select_for_update(no_key=True).filter(pk=ticket.pk).values_list("status", "version").first()
    return row == (Ticket.Status.VALID, ticket.version)


def _replay(previous: Scan, *, staff: User, event: Event) -> ScanOutcome:
    if previous.staff_id != staff.pk or previous.event_id != event.pk:
        raise ScanIdReused(fields={"scan_id": [str(ScanIdReused.default_message)]})
    return ScanOutcome(previous, replayed=True)


def _scan_record(
    *, staff: User, event: Event, scan: ScanInput, offline: bool, now: datetime, turned_away: bool = False
) -> ScanOutcome:
    """Resolve, admit if admissible, and store the scan with its answer — in one transaction.
    ``turned_away``: the gate already sent the person away with ``scan.result`` (online rejections)."""
    # An offline scan happened at the device's time (never later than now: device clocks drift).
    at = scan.device_time if offline and scan.device_time and scan.device_time <= now else now
    with transaction.atomic(durable=True):
        previous = Scan.objects.filter(scan_id=scan.scan_id).first()
        if previous is not None:
            return _replay(previous, staff=staff, event=event)
        resolution = code_resolve(event=event, code=scan.code, at=at)
        device_rejected = (offline or turned_away) and scan.result != Reason.OK
        if device_rejected:
            # The device turned the person away; its verdict is what happened at the gate.
            resolution = replace(resolution, reason=scan.result)
        elif resolution.admissible and not _ticket_lock_unchanged(resolution.ticket):
            resolution = code_resolve(event=event, code=scan.code, at=at)  # cancelled or reissued meanwhile
        if resolution.admissible:
            try:
                with transaction.atomic():
                    row = _scan_create(
                        staff=staff, event=event, scan=scan, resolution=resolution, at=at, now=now, offline=offline
                    )
                    CheckIn.objects.create(
                        ticket=resolution.ticket,
                        event=event,
                        admitted_at=at,
                        gate=scan.gate,
                        device_id=scan.device_id,
                        staff=staff,
                        scan=row,
                        source=CheckIn.Source.OFFLINE if offline else CheckIn.Source.ONLINE,
                    )
                    return ScanOutcome(row, replayed=False)
            except IntegrityError:
                previous = Scan.objects.filter(scan_id=scan.scan_id).first()
                if previous is not None:  # the same scan_id, sent twice at once
                    return _replay(previous, staff=staff, event=event)
                first_use = CheckIn.objects.filter(ticket=resolution.ticket).first()
                if first_use is None:
                    raise
                resolution = resolution.as_already_used(first_use)  # another device won the race
        try:
            with transaction.atomic():
                row = _scan_create(
                    staff=staff,
                    event=event,
                    scan=scan,
                    resolution=resolution,
                    at=at,
                    now=now,
                    offline=offline,
                    conflict=offline and not device_rejected,
                )
                return ScanOutcome(row, replayed=False)
        except IntegrityError:
            previous = Scan.objects.filter(scan_id=scan.scan_id).first()
            if previous is None:
                raise
            return _replay(previous, staff=staff, event=event)


def _scan_create(
    *,
    staff: User,
    event: Event,
    scan: ScanInput,
    resolution: Resolution,
    at: datetime,
    now: datetime,
    offline: bool,
    conflict: bool = False,
) -> Scan:
    answer = redeem_answer(resolution, event, scan_id=scan.scan_id, admitted_at=at, gate=scan.gate)
    return Scan.objects.create(
        scan_id=scan.scan_id,
        event=event,
        ticket=resolution.ticket,
        staff=staff,
        device_id=scan.device_id,
        gate=scan.gate,
        method=resolution.method,
        result=resolution.reason,
        scanned_at=now,
        device_time=scan.device_time,
        offline=offline,
        conflict=conflict,
        response=answer,
    )
