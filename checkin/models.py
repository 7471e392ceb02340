"""Check-in (SPEC §7): every scan is logged; a ticket is admitted at most once, which the database guarantees.

``Scan`` is the log of everything a gate device sent (online or uploaded later), with the exact answer given,
so a retried ``scan_id`` replays it. ``CheckIn`` is the admission itself: one row per ticket, ever.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    """The verdict on one scanned code. Stable strings: scanner apps switch on them."""

    OK = "ok", _("Admitted")
    ALREADY_USED = "already_used", _("Already used")
    INVALID = "invalid", _("Not a valid ticket")
    WRONG_EVENT = "wrong_event", _("Ticket for another event")
    CANCELLED = "cancelled", _("Ticket cancelled")
    REFUNDED = "refunded", _("Ticket refunded")
    UNPAID = "unpaid", _("Ticket not paid")
    NOT_YET_VALID = "not_yet_valid", _("Check-in not open yet")
    REVOKED = "revoked", _("Old version of a reissued ticket")


class Scan(models.Model):
    """One code presented at a gate and what we answered. Written for every outcome, never edited."""

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        SERIAL = "serial", _("Typed serial")

    scan_id = models.CharField(_("scan id"), max_length=64, unique=True, help_text=_("The device's nonce."))
    # CASCADE: an event can only be deleted while nothing was sold, so all it takes along is scans of junk.
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="scans")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True, related_name="scans")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="scans", verbose_name=_("staff")
    )
    device_id = models.CharField(_("device"), max_length=100, blank=True)
    gate = models.CharField(_("gate"), max_length=60, blank=True)
    method = models.CharField(_("method"), max_length=6, choices=Method.choices)
    result = models.CharField(_("result"), max_length=16, choices=Reason.choices)
    scanned_at = models.DateTimeField(_("received"), help_text=_("Server time."))
    device_time = models.DateTimeField(_("device time"), null=True, blank=True)
    offline = models.BooleanField(_("offline"), default=False)
    conflict = models.BooleanField(
        _("conflict"), default=False, help_text=_("Admitted offline although the server refuses the ticket.")
    )
    response = models.JSONField(_("answer"), default=dict, help_text=_("Exactly what the device was told."))

    class Meta:
        ordering = ["-scanned_at", "-id"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        indexes = [
            models.Index(fields=["event", "-scanned_at"], name="scan_event_recent_idx"),
            models.Index(fields=["event", "gate", "result"], name="scan_event_gate_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(result__in=Reason.values), name="scan_result_valid"),
            models.CheckConstraint(condition=Q(method__in=["qr", "serial"]), name="scan_method_valid"),
            models.CheckConstraint(condition=Q(conflict=False) | Q(offline=True), name="scan_conflict_only_offline"),
        ]

    def __str__(self) -> str:
        return f"{self.scan_id} {self.result}"


class CheckIn(models.Model):
    """A ticket's admission. The one-to-one ticket key is what makes "exactly one success per ticket" true."""

    class Source(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("Offline upload")

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, related_name="checkin")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="checkins")
    admitted_at = models.DateTimeField(_("admitted"), help_text=_("Device time for offline admissions."))
    gate = models.CharField(_("gate"), max_length=60, blank=True)
    device_id = models.CharField(_("device"), max_length=100, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("staff")
    )
    scan = models.OneToOneField(Scan, on_delete=models.PROTECT, related_name="admission")
    source = models.CharField(_("source"), max_length=7, choices=Source.choices, default=Source.ONLINE)

    class Meta:
        ordering = ["-admitted_at", "-id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [models.Index(fields=["event", "admitted_at"], name="checkin_event_time_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(source__in=["online", "offline"]), name="checkin_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} at {self.admitted_at:%Y-%m-%d %H:%M}"
