from django.db.models import QuerySet

from core.models import AuditLogEntry


def audit_entry_list_recent(*, limit: int = 10) -> QuerySet[AuditLogEntry]:
    """The newest audit entries with their actor."""
    return AuditLogEntry.objects.select_related("actor")[:limit]


def audit_entry_list_for_actor(*, actor) -> QuerySet[AuditLogEntry]:
    """Everything a user did, newest first."""
    return AuditLogEntry.objects.filter(actor=actor)
