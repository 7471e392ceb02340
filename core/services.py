from collections.abc import Sequence
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


def audit_target_anonymise(*, target: models.Model, erase_data_of: Sequence[str] = ()) -> int:
    """Stop the log naming an object whose personal data was erased; entries keep what happened.

    ``erase_data_of`` lists actions whose details hold personal data themselves (old addresses, ...).
    """
    entries = AuditLogEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    entries.filter(action__in=erase_data_of).update(data={})
    return entries.update(target_repr=str(target)[:200])
