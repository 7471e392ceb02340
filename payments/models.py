"""Payments, refunds and provider webhooks: records of money moving, written by the payment services only.

A Payment is one attempt to pay an order through a provider (an order may have several: a declined card,
then another). Refunds are rows of their own, executed by a background job. Card numbers are never stored.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


def new_idempotency_key() -> str:
    """A key that names one row at the provider for good (random, so a reset database never reuses one)."""
    return uuid.uuid4().hex


class Provider(models.TextChoices):
    SIMULATED = "simulated", _("Simulated (test cards)")
    STRIPE = "stripe", _("Stripe")


class Payment(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        REQUIRES_ACTION = "requires_action", _("Needs the buyer's confirmation")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")

    order = models.ForeignKey("tickets.Order", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    provider_payment_id = models.CharField(_("provider payment id"), max_length=255, blank=True)
    # Lets the buyer's browser confirm the payment (Stripe Elements); shown to the buyer only.
    client_secret = models.CharField(max_length=255, blank=True, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key, editable=False)
    failure_code = models.CharField(_("failure code"), max_length=64, blank=True)
    failure_message = models.CharField(_("failure message"), max_length=255, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["status", "updated_at"], name="payment_status_updated_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "pending",
                        "requires_action",
                        "succeeded",
                        "failed",
                        "cancelled",
                        "refunded",
                        "partially_refunded",
                    ]
                ),
                name="payment_status_valid",
            ),
            models.CheckConstraint(condition=Q(provider__in=["simulated", "stripe"]), name="payment_provider_valid"),
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=~Q(provider_payment_id=""),
                name="payment_provider_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk} of {self.amount} {self.currency} ({self.status})"


class Refund(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        LATE_PAYMENT = "late_payment", _("Paid after the tickets were gone")
        DUPLICATE = "duplicate", _("The order was already paid or closed")
        ADMIN = "admin", _("Refunded by an admin")
        PROVIDER = "provider", _("Refunded at the provider")
        ATTENDEE_CANCEL = "attendee_cancel", _("Cancelled by the buyer")
        EVENT_CANCELLED = "event_cancelled", _("The event was cancelled")
        ADMIN_PARTIAL = "admin_partial", _("Partly refunded by an admin")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provider_refund_id = models.CharField(_("provider refund id"), max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    # Set after a failed attempt the provider may accept later (network, rate limit): the sweep retries then.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        indexes = [
            models.Index(fields=["status", "updated_at"], condition=Q(status="pending"), name="refund_pending_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"]), name="refund_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "late_payment",
                        "duplicate",
                        "admin",
                        "provider",
                        "attendee_cancel",
                        "event_cancelled",
                        "admin_partial",
                    ]
                ),
                name="refund_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["provider_refund_id"], condition=~Q(provider_refund_id=""), name="refund_provider_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Refund {self.pk} of {self.amount} ({self.status})"


class WebhookEvent(models.Model):
    """A provider event, stored once by its id before anything is done with it."""

    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices, default=Provider.STRIPE)
    event_id = models.CharField(_("event id"), max_length=255)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        indexes = [
            models.Index(fields=["received_at"], condition=Q(processed_at__isnull=True), name="webhook_unprocessed_idx")
        ]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
