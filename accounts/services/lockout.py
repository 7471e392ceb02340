"""Brute-force protection: at most LOCKOUT_MAX_FAILURES guesses per account and IP, then a cool-down."""

import math
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from accounts.errors import AccountLocked
from accounts.models import AuthFailureCounter


def _counter_key(scope: str, email: str, ip_address: str | None) -> dict:
    return {"scope": scope, "email": email.strip().lower()[:254], "ip_address": (ip_address or "unknown")[:45]}


def _counter(key: dict) -> AuthFailureCounter:
    try:
        with transaction.atomic():
            return AuthFailureCounter.objects.get_or_create(**key)[0]
    except IntegrityError:  # a concurrent attempt created it first
        return AuthFailureCounter.objects.get(**key)


def attempt_reserve(*, scope: str, email: str, ip_address: str | None, now: datetime) -> None:
    """Count one attempt before the secret is checked; refuse it once the limit is reached.

    The count is taken with one conditional UPDATE, so twenty concurrent guesses still get at most
    LOCKOUT_MAX_FAILURES checks. A successful check gives the attempt back (``attempt_succeeded``).

    Raises: AccountLocked (with the seconds left in ``retry_after``).
    """
    key = _counter_key(scope, email, ip_address)
    counter = _counter(key)
    cooldown = settings.LOCKOUT_COOLDOWN
    limit = settings.LOCKOUT_MAX_FAILURES
    AuthFailureCounter.objects.filter(pk=counter.pk, last_failure_at__lte=now - cooldown).update(failures=0)
    reserved = AuthFailureCounter.objects.filter(pk=counter.pk, failures__lt=limit).update(
        failures=F("failures") + 1, last_failure_at=now
    )
    if not reserved:
        counter.refresh_from_db()
        remaining = (counter.last_failure_at + cooldown - now).total_seconds() if counter.last_failure_at else 0
        raise AccountLocked(retry_after=max(1, math.ceil(remaining)))


def attempt_succeeded(*, scope: str, email: str, ip_address: str | None) -> None:
    """Forget the failures of this account and IP after a correct secret."""
    AuthFailureCounter.objects.filter(**_counter_key(scope, email, ip_address)).update(failures=0, last_failure_at=None)


def counters_purge_stale(*, now: datetime) -> int:
    """Delete counters whose cool-down is long over."""
    stale = Q(last_failure_at__lt=now - settings.LOCKOUT_COOLDOWN) | Q(last_failure_at__isnull=True)
    return AuthFailureCounter.objects.filter(stale).delete()[0]
