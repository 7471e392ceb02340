"""Named row-lock helpers. Global lock order, to stay free of deadlocks:
buyer → hold/order → capacity pools (pk order) → ticket types (pk order).

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
