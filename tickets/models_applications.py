"""Applications to approval-required events (SPEC §4): a person applies, the organizer approves or declines.

Imported by ``tickets.models``; the workflow is in ``tickets.services.applications``.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def private_storage():
    """Files nobody reaches by URL: served only through permission-checked views."""
    return storages["private"]


def attachment_path(instance: "ApplicationAttachment", filename: str) -> str:
    """A random name under the event's folder; the person's own file name is kept in the row only."""
    extension = ATTACHMENT_TYPES.get(instance.content_type, "bin")
    return f"applications/{instance.application.event_id}/{uuid.uuid4().hex}.{extension}"


class Application(TimeStampedModel):
    """One person's (or team's) request to attend an approval-required event."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    OPEN_STATUSES = (Status.PENDING, Status.APPROVED)

    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    ticket_type = models.ForeignKey(
        "events.TicketType", on_delete=models.PROTECT, related_name="applications", verbose_name=_("ticket type")
    )
    quantity = models.PositiveSmallIntegerField(_("places"), help_text=_("The applicant and their team members."))
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), max_length=254)
    phone = models.CharField(_("phone"), max_length=20)
    team_name = models.CharField(_("team name"), max_length=100, blank=True)
    team_members = models.JSONField(_("team members"), default=list, blank=True, help_text=_("Their names."))
    answers = models.JSONField(
        _("answers"), default=list, blank=True, help_text=_("[{question, answer}] as asked when they applied.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    order = models.OneToOneField(
        "tickets.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="application"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["event", "status"])]
        constraints = [
            # One open application per person and event; after a decline or withdrawal they may apply again.
            models.UniqueConstraint(
                fields=["event", "applicant"],
                condition=Q(status__in=["pending", "approved"]),
                name="application_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "declined", "withdrawn", "expired"]),
                name="application_status_valid",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="application_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="application_decline_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(order__isnull=False), name="application_approved_has_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Application #{self.pk} by {self.name}"


class ApplicationAttachment(models.Model):
    """A PDF, PNG or JPEG sent with an application, checked by content, stored privately."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("uploaded"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("application attachment")
        verbose_name_plural = _("application attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=list(ATTACHMENT_TYPES)), name="applicationattachment_type_allowed"
            ),
            models.CheckConstraint(
                condition=Q(size__gt=0, size__lte=ATTACHMENT_MAX_BYTES), name="applicationattachment_size_limit"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
