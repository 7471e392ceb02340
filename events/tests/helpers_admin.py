"""Plain helpers shared by the admin tests (test_admin*.py); ``admin_client`` is in conftest."""

from django.urls import reverse

from core.models import AuditLogEntry

EVENTS = reverse("admin:events_event_changelist")


def run_action(admin_client, action: str, *objects, changelist: str = EVENTS):
    return admin_client.post(changelist, {"action": action, "_selected_action": [obj.pk for obj in objects]})


def audit_entries(action: str) -> list[tuple]:
    return [
        (entry.actor.email if entry.actor else None, entry.target_id)
        for entry in AuditLogEntry.objects.filter(action=action).order_by("id")
    ]
