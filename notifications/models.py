from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class OutboundEmail(TimeStampedModel):
    """The e-mail outbox: written in the transaction that caused the message, sent by a task.

    A message survives a Redis outage or a crashed worker; ``claimed_at`` lets exactly one worker send
    it, and a claim that went stale (the worker died) is taken over by the periodic sweep.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    template = models.CharField(_("template"), max_length=64)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Contains a secret (a code or a link); the body is erased once sent."),
    )
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_('Files rendered when the message is sent, e.g. [{"kind": "ticket_pdf", "ticket_id": 1}].'),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], condition=~Q(status="sent"), name="outbox_unsent_idx")]
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
