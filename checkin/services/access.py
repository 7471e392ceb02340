"""Who may scan at an event: its gate staff (EventStaff), its organizer, and admins.

Checked on every request rather than baked into a token, so revoking a person's staff row refuses
their very next scan.
"""

from accounts.models import User
from checkin.errors import NotEventStaff
from events.models import Event, EventStaff


def staff_can_scan(*, user: User, event: Event) -> bool:
    """Whether ``user`` may verify, redeem and download the offline bundle of ``event``."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin or event.organizer_id == user.pk:
        return True
    return EventStaff.objects.filter(event=event, user=user).exists()


def staff_check_can_scan(*, user: User, event: Event) -> None:
    """Raises: NotEventStaff."""
    if not staff_can_scan(user=user, event=event):
        raise NotEventStaff()
