"""Named row-lock helpers. Global lock order, to stay free of deadlocks:
buyer → hold/order → promo code → capacity pools (pk order) → ticket types (pk order).

A promo code row is locked by the conditional ``UPDATE ... SET uses = uses + 1`` that claims a use at
checkout (the hold is locked), by the release of an unpaid order's use and by a late payment re-claiming it
(the order is locked); each of them locks capacity only afterwards. An order carries at most one code.

One issued ticket (reissue, transfer) is locked after its order and before its transfers:
order → ticket → ticket transfer. Those paths lock no capacity.

An application (approve, decline, withdraw) is locked after its applicant and before the hold and order its
approval creates: buyer → application → hold/order → capacity.

Capacity rows are locked FOR NO KEY UPDATE: we only change their counters. A plain FOR UPDATE would also
conflict with the FOR KEY SHARE lock PostgreSQL's foreign-key check takes on the referenced row, so every
concurrent insert of a hold line, order line or ticket of that type (a checkout, which locks nothing else)
would queue behind the hot row. NO KEY UPDATE still excludes other counter writers and the organizer's
FOR UPDATE edits."""

from collections.abc import Iterable

from django.conf import settings
from django.db import OperationalError, connection

from core.errors import Busy
from events.models import CapacityPool, TicketType
from tickets.models import Application, PromoCode, Ticket

LOCK_TIMEOUT_MS = getattr(settings, "BOOKING_LOCK_TIMEOUT_MS", 3000)


def set_lock_timeout() -> None:
    """Bound lock waits in the current transaction (PostgreSQL); a timeout becomes ``Busy``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_MS)}ms'")


def _locked(queryset):
    try:
        return list(queryset)
    except OperationalError as exc:
        if "lock" in str(exc).lower():
            raise Busy() from exc
        raise


def ticket_types_for_update(*, ids: Iterable[int]) -> dict[int, TicketType]:
    """Lock ticket types in primary-key order."""
    rows = _locked(TicketType.objects.select_for_update(no_key=True).filter(pk__in=set(ids)).order_by("pk"))
    return {row.pk: row for row in rows}


def pools_for_update(*, ids: Iterable[int]) -> dict[int, CapacityPool]:
    """Lock shared capacities in primary-key order."""
    ids = {pk for pk in ids if pk}
    if not ids:
        return {}
    rows = _locked(CapacityPool.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk"))
    return {row.pk: row for row in rows}


def promo_code_for_update(*, pk: int) -> PromoCode | None:
    """Lock one promo code (after the hold or order, before any capacity)."""
    rows = _locked(PromoCode.objects.select_for_update().filter(pk=pk))
    return rows[0] if rows else None


def ticket_for_update(*, pk: int) -> Ticket | None:
    """Lock one ticket (its event and order loaded, not locked), or None when there is no such ticket."""
    set_lock_timeout()
    rows = _locked(Ticket.objects.select_for_update(of=("self",)).select_related("event", "order").filter(pk=pk))
    return rows[0] if rows else None


def application_for_update(*, pk: int) -> Application | None:
    """Lock one application (its event loaded, not locked), or None when there is no such application."""
    set_lock_timeout()
    rows = _locked(Application.objects.select_for_update(of=("self",)).select_related("event").filter(pk=pk))
    return rows[0] if rows else None
