"""Ticket transfers between people (SPEC §4). Imported by ``tickets.models``; the rules are in
``tickets.services.transfers``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from tickets.models import Ticket


class TicketTransfer(TimeStampedModel):
    """A ticket offered by its holder to someone else by e-mail. Accepting it hands the ticket over with a new code.

    The link's token is only ever e-mailed; the database keeps its SHA-256 (``token_hash``), so a copy of the
    database cannot accept transfers. At most one transfer per ticket is pending at a time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="transfers")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_email = models.EmailField(_("recipient's e-mail"))
    to_name = models.CharField(_("recipient's name"), max_length=150)
    message = models.CharField(_("message"), max_length=500, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text=_("When it was accepted, cancelled or expired."))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status="pending"), name="tickettransfer_one_pending_per_ticket"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "cancelled", "expired"]),
                name="tickettransfer_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_by__isnull=False, accepted_at__isnull=False),
                name="tickettransfer_accepted_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer of ticket {self.ticket_id} to {self.to_email} ({self.status})"
