from datetime import datetime

from django.db import models
from django.utils import timezone

from core.models import AuditLogEntry


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    data: dict | None = None,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> AuditLogEntry:
    """Append an entry to the audit log, in the caller's transaction."""
    return AuditLogEntry.objects.create(
        created_at=now or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data or {},
        ip_address=ip_address,
    )
