from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from accounts.models import OneTimeCode
from accounts.services.lockout import counters_purge_stale


@shared_task
def purge_expired_security_records() -> int:
    """Delete one-time codes expired for a day and lockout counters whose cool-down is over."""
    now = timezone.now()
    codes = OneTimeCode.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()[0]
    return codes + counters_purge_stale(now=now)
