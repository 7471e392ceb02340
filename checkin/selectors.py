"""Reads for the scanner API, the live gate dashboard and the audit pages. Query counts never grow with the data."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncMinute
from django.utils import timezone

from accounts.models import User
from checkin.errors import NotEventStaff
from checkin.models import CheckIn, Reason, Scan
from checkin.services.answers import iso
from checkin.services.codes import checkin_opens_at
from core.models import AuditLogEntry
from events.models import CapacityPool, Event, EventStaff, TicketType
from tickets.models import Order, Ticket
from tickets.signing import event_public_key_b64

CHART_MINUTES = 60


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) subquery (joins would multiply rows when several counts are needed)."""
    counted = queryset.order_by().values("event").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- Scanner API -----------------------------------------------------------------------------------------


def event_get_for_scanning(*, pk: int) -> Event:
    """The event a scan names. Access is checked by the caller (services check it on every call).

    Raises: NotEventStaff for an unknown event too, so ids of other events reveal nothing.
    """
    event = Event.objects.select_related("venue").filter(pk=pk).first()
    if event is None:
        raise NotEventStaff()
    return event


def event_list_for_staff(*, user: User, now: datetime) -> QuerySet[Event]:
    """Events ``user`` scans at (as staff or organizer): running and upcoming soonest first, then past ones
    newest first; each with ``expected`` (valid tickets) and ``admitted`` counts."""
    staffed = Exists(EventStaff.objects.filter(event=OuterRef("pk"), user=user))
    upcoming_start = Case(When(ends_at__gt=now, then=F("starts_at")), default=None, output_field=DateTimeField())
    return (
        Event.objects.filter(staffed | Q(organizer=user))
        .select_related("venue")
        .annotate(
            expected=_count(Ticket.objects.filter(event=OuterRef("pk"), status=Ticket.Status.VALID)),
            admitted=_count(CheckIn.objects.filter(event=OuterRef("pk"))),
            upcoming_start=upcoming_start,
        )
        .order_by(F("upcoming_start").asc(nulls_last=True), "-starts_at", "-id")
    )


@dataclass(frozen=True)
class BundleVersion:
    etag: str
    last_modified: datetime


def offline_bundle_version(*, event: Event) -> BundleVersion:
    """A fingerprint of everything in the offline bundle, in two aggregate queries.

    Status changes are made with ``QuerySet.update`` (which leaves ``updated_at`` alone), so the fingerprint
    counts tickets per status and sums versions rather than trusting timestamps alone.
    """
    tickets = Ticket.objects.filter(event=event).aggregate(
        n=Count("pk"),
        versions=Sum("version", default=0),
        valid=Count("pk", filter=Q(status=Ticket.Status.VALID)),
        unpaid=Count("pk", filter=Q(status=Ticket.Status.UNPAID)),
        cancelled=Count("pk", filter=Q(status=Ticket.Status.CANCELLED)),
        changed=Max("updated_at"),
    )
    checkins = CheckIn.objects.filter(event=event).aggregate(n=Count("pk"), last=Max("pk"), at=Max("admitted_at"))
    parts = [event.pk, event.updated_at.isoformat(), *tickets.values(), *checkins.values()]
    etag = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]
    moments = [event.updated_at, tickets["changed"], checkins["at"]]
    return BundleVersion(etag=f'"{etag}"', last_modified=max(moment for moment in moments if moment))


KEY_FORMAT = (
    "Code: 'EH1.' + base64url without padding of (body || signature). body: 15 bytes big-endian — "
    "format version u8 (=1), event id u32, ticket id u32, ticket type id u32, ticket version u16. "
    "signature: 64-byte Ed25519 signature of body; verify it with public_key (32 raw bytes, base64url). "
    "Admit only if event id matches, the ticket is not listed under revoked with min_version > its version, "
    "and its id is not in blocked."
)


def _seat(row: dict) -> str | None:
    if row["seat__number"] is None:
        return None
    return f"{row['seat__row__section__name']}, row {row['seat__row__label']}, seat {row['seat__number']}"


def offline_bundle(*, event: Event, include_tickets: bool) -> dict:
    """What a scanner needs to admit people without a network: the key, what is revoked, the tickets."""
    unusual = Ticket.objects.filter(event=event).filter(Q(version__gt=1) | ~Q(status=Ticket.Status.VALID))
    revoked, blocked = [], {"unpaid": [], "cancelled": [], "refunded": []}
    for ticket_id, status, version in unusual.order_by("pk").values_list("pk", "status", "version"):
        if version > 1:
            revoked.append({"ticket_id": ticket_id, "min_version": version})
        if status in blocked:
            blocked[status].append(ticket_id)
    bundle = {
        "event": {
            "id": event.pk,
            "title": event.title,
            "status": event.status,
            "starts_at": iso(event.starts_at),
            "ends_at": iso(event.ends_at),
            "timezone": event.timezone,
            "checkin_opens_at": iso(checkin_opens_at(event)),
            "venue": event.venue.name if event.venue_id else None,
        },
        "key": {"algorithm": "Ed25519", "public_key": event_public_key_b64(event.pk), "format": KEY_FORMAT},
        "revoked": revoked,
        "blocked": blocked,
        "tickets": None,
    }
    if include_tickets:
        rows = (
            Ticket.objects.filter(event=event)
            .order_by("pk")
            .values(
                "pk",
                "serial",
                "attendee_name",
                "ticket_type__name",
                "seat__number",
                "seat__row__label",
                "seat__row__section__name",
                "status",
                "version",
                "checkin__admitted_at",
                "checkin__gate",
            )
        )
        bundle["tickets"] = [
            {
                "id": row["pk"],
                "serial": row["serial"],
                "holder": row["attendee_name"],
                "ticket_type": row["ticket_type__name"],
                "seat": _seat(row),
                "status": row["status"],
                "version": row["version"],
                "checked_in_at": iso(row["checkin__admitted_at"]),
                "checked_in_gate": row["checkin__gate"],
            }
            for row in rows
        ]
    return bundle


# --- Live numbers (API stats and the gate dashboard) -------------------------------------------------------


def checkin_stats(*, event: Event, now: datetime) -> dict:
    """Admitted vs expected, per gate, and admissions per minute over the last hour. Three queries."""
    counts = Ticket.objects.filter(event=event, status=Ticket.Status.VALID).aggregate(
        expected=Count("pk"), admitted=Count("checkin")
    )
    gates = list(
        Scan.objects.filter(event=event)
        .values("gate")
        .annotate(
            admitted=Count("pk", filter=Q(result=Reason.OK)),
            rejected=Count("pk", filter=~Q(result=Reason.OK)),
            conflicts=Count("pk", filter=Q(conflict=True)),
            last_scan=Max("scanned_at"),
        )
        .order_by("gate")
    )
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - timedelta(minutes=CHART_MINUTES)
    per_minute = dict(
        CheckIn.objects.filter(event=event, admitted_at__gte=start, admitted_at__lt=end)
        .annotate(minute=TruncMinute("admitted_at"))
        .values("minute")
        .annotate(n=Count("pk"))
        .values_list("minute", "n")
    )
    minutes = [start + timedelta(minutes=i) for i in range(CHART_MINUTES)]
    return {
        "expected": counts["expected"],
        "admitted": counts["admitted"],
        "remaining": counts["expected"] - counts["admitted"],
        "scans": sum(gate["admitted"] + gate["rejected"] for gate in gates),
        "rejected": sum(gate["rejected"] for gate in gates),
        "conflicts": sum(gate["conflicts"] for gate in gates),
        "gates": gates,
        "per_minute": [(minute, per_minute.get(minute, 0)) for minute in minutes],
    }


def scan_list_recent(*, event: Event, rejected_only: bool = False, limit: int = 20) -> list[Scan]:
    scans = Scan.objects.filter(event=event).select_related("ticket", "staff")
    if rejected_only:
        scans = scans.exclude(result=Reason.OK)
    return list(scans.order_by("-scanned_at", "-id")[:limit])


# --- Audit log -------------------------------------------------------------------------------------------


def _day_range(date_from: date | None, date_to: date | None) -> Q:
    query = Q()
    tz = timezone.get_current_timezone()
    if date_from:
        query &= Q(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        query &= Q(created_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    return query


def audit_entry_list(
    *,
    action: str = "",
    actor_email: str = "",
    target_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditLogEntry]:
    """The whole audit log (admins), newest first, narrowed by whatever filters are given."""
    entries = AuditLogEntry.objects.select_related("actor").filter(_day_range(date_from, date_to))
    if action:
        entries = entries.filter(action=action)
    if actor_email:
        entries = entries.filter(actor__email__icontains=actor_email)
    if target_type:
        entries = entries.filter(target_type=target_type)
    return entries.order_by("-created_at", "-id")


def _ids_as_text(queryset: QuerySet) -> QuerySet:
    return queryset.order_by().annotate(text_id=Cast("pk", CharField())).values("text_id")


def audit_entry_list_for_event(
    *, event: Event, action: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[AuditLogEntry]:
    """Entries about an event: the event itself, its ticket types, shared capacities and orders."""
    about = (
        Q(target_type="events.event", target_id=str(event.pk))
        | Q(target_type="events.tickettype", target_id__in=_ids_as_text(TicketType.objects.filter(event=event)))
        | Q(target_type="events.capacitypool", target_id__in=_ids_as_text(CapacityPool.objects.filter(event=event)))
        | Q(target_type="tickets.order", target_id__in=_ids_as_text(Order.objects.filter(event=event)))
    )
    entries = AuditLogEntry.objects.select_related("actor").filter(about, _day_range(date_from, date_to))
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("-created_at", "-id")


def audit_actions(*, event: Event | None = None) -> list[str]:
    """The actions recorded (about ``event`` when given), for the filter's choices."""
    entries = audit_entry_list_for_event(event=event) if event is not None else AuditLogEntry.objects.all()
    return list(entries.order_by("action").values_list("action", flat=True).distinct())


def audit_target_types() -> list[str]:
    return list(
        AuditLogEntry.objects.exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )


CONFLICT_FILTER = "conflict"


def scan_list(
    *, event: Event | None = None, event_search: str = "", result: str = "", staff_email: str = ""
) -> QuerySet[Scan]:
    """Scans, newest first. ``result`` is a reason or ``"conflict"`` (offline admissions the server refused)."""
    scans = Scan.objects.select_related("event", "ticket", "staff")
    if event is not None:
        scans = scans.filter(event=event)
    if event_search:
        by_title = Q(event__title__icontains=event_search)
        by_id = event_search.isdigit() and len(event_search) <= 9
        scans = scans.filter(by_title | Q(event_id=int(event_search)) if by_id else by_title)
    if result == CONFLICT_FILTER:
        scans = scans.filter(conflict=True)
    elif result:
        scans = scans.filter(result=result)
    if staff_email:
        scans = scans.filter(staff__email__icontains=staff_email)
    return scans.order_by("-scanned_at", "-id")
