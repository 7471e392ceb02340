from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class NotEventStaff(DomainError):
    """Not gate staff, organizer or admin of this event (or no such event: the answer is the same)."""

    code, status = "not_event_staff", 403
    default_message = _("You are not gate staff of this event.")


class ScanIdReused(DomainError):
    """The device sent a nonce another scan (another person or event) already used."""

    code, status = "scan_id_reused", 409
    default_message = _("This scan id belongs to another scan. Generate a new one for every scan.")
