"""One-time codes: 6 digits, keyed hash at rest, valid OTP_TTL, OTP_MAX_ATTEMPTS guesses each."""

import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import ngettext

from accounts.errors import CodeExpired, InvalidCode, ResendTooSoon
from accounts.models import OneTimeCode, User


def _hash(code: str, *, user_id: int, purpose: str) -> str:
    return salted_hmac(f"eventhorizon.otp.{purpose}", f"{user_id}:{code}", algorithm="sha256").hexdigest()


def otp_issue(*, user: User, purpose: str, sent_to: str, now: datetime) -> str:
    """Create a new code (older codes of the same purpose stop working) and return it for e-mailing.

    Raises: ResendTooSoon when a code was sent less than OTP_RESEND_INTERVAL ago or OTP_MAX_PER_HOUR
    codes were sent in the last hour.
    """
    recent = OneTimeCode.objects.filter(user=user, purpose=purpose, created_at__gte=now - timedelta(hours=1))
    latest = recent.order_by("-created_at").first()
    if latest and latest.created_at > now - settings.OTP_RESEND_INTERVAL:
        wait = (latest.created_at + settings.OTP_RESEND_INTERVAL - now).total_seconds()
        raise ResendTooSoon(retry_after=max(1, math.ceil(wait)))
    if recent.count() >= settings.OTP_MAX_PER_HOUR:
        raise ResendTooSoon(retry_after=3600)

    OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    OneTimeCode.objects.create(
        user=user,
        purpose=purpose,
        code_hash=_hash(code, user_id=user.pk, purpose=purpose),
        sent_to=sent_to,
        expires_at=now + settings.OTP_TTL,
        created_at=now,
    )
    return code


def otp_consume(*, user: User, purpose: str, code: str, now: datetime) -> OneTimeCode:
    """Check a code and mark it used. Each guess spends one of its attempts, counted atomically.

    Raises: CodeExpired (none live, expired, or out of attempts), InvalidCode.
    """
    otp = (
        OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if otp is None:
        raise CodeExpired()
    spent = OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True, attempts__lt=settings.OTP_MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not spent:
        raise CodeExpired()
    expected = _hash(str(code).strip(), user_id=user.pk, purpose=purpose)
    if not constant_time_compare(expected, otp.code_hash):
        left = settings.OTP_MAX_ATTEMPTS - otp.attempts - 1
        if left <= 0:
            raise CodeExpired()
        attempts_left = ngettext("%(count)d attempt left.", "%(count)d attempts left.", left) % {"count": left}
        raise InvalidCode(f"{InvalidCode.default_message} {attempts_left}")
    if not OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=now):
        raise CodeExpired()  # a concurrent request used it first
    otp.used_at = now
    return otp
