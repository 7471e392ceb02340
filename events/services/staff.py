"""Gate staff per event (SPEC §2): assigned by e-mail, revocable at any time."""

from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.selectors import user_get_by_email
from core.services import audit_record
from events.errors import AlreadyStaff, StaffUserNotFound
from events.models import Event, EventStaff


@transaction.atomic
def staff_add(*, event: Event, email: str, actor: User, now: datetime) -> EventStaff:
    """Let an existing account scan tickets at this event.

    Raises: StaffUserNotFound, AlreadyStaff.
    """
    user = user_get_by_email(email)
    if user is None or not user.is_active:
        raise StaffUserNotFound()
    try:
        with transaction.atomic():
            staff = EventStaff.objects.create(event=event, user=user, added_by=actor)
    except IntegrityError as exc:
        raise AlreadyStaff() from exc
    audit_record(actor=actor, action="event.staff_added", target=event, data={"user": user.pk}, now=now)
    return staff


@transaction.atomic
def staff_remove(*, event: Event, user_id: int, actor: User, now: datetime) -> None:
    """Revoke a person's gate access at this event; their next scan is refused."""
    deleted, _ = EventStaff.objects.filter(event=event, user_id=user_id).delete()
    if deleted:
        audit_record(actor=actor, action="event.staff_removed", target=event, data={"user": user_id}, now=now)
