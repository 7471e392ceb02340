"""Holds, orders and tickets. Capacity counters live on events.TicketType/CapacityPool; a seat is taken
by at most one SeatReservation (the database guarantees a seat is never sold twice)."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

ORDER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def new_order_code() -> str:
    return "".join(secrets.choice(ORDER_CODE_ALPHABET) for _ in range(8))


def new_ticket_secret() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


class Hold(TimeStampedModel):
    """Tickets (or seats) reserved for one buyer for a limited time."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CHECKED_OUT = "checked_out", _("Checked out")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="holds")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="holds")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], condition=~Q(idempotency_key=""), name="hold_idempotency_unique"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="hold_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Hold {self.public_id} ({self.status})"


class HoldLine(models.Model):
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="lines")
    ticket_type = models.ForeignKey("events.TicketType", on_delete=models.PROTECT, related_name="hold_lines")
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="holdline_quantity_positive"),
            models.UniqueConstraint(fields=["hold", "ticket_type"], name="holdline_one_per_type"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.ticket_type_id}"


class Order(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        REFUNDED = "refunded", _("Refunded")

    code = models.CharField(max_length=12, unique=True, default=new_order_code, editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="orders")
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, null=True, blank=True, related_name="order")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    discount_label = models.CharField(
        max_length=120, blank=True, help_text=_("Where the discount came from, shown on the receipt.")
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    expires_at = models.DateTimeField(help_text=_("Unpaid after this moment, the order expires."))
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["event", "status"]),
            # Recent sales of an event (dynamic pricing's demand rules): a range scan, not all its orders.
            models.Index(fields=["event", "paid_at"], name="order_event_paid_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], condition=~Q(idempotency_key=""), name="order_idempotency_unique"
            ),
            models.CheckConstraint(condition=Q(total__gte=0, discount__gte=0), name="order_amounts_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "paid", "cancelled", "expired", "refunded"]),
                name="order_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    ticket_type = models.ForeignKey("events.TicketType", on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.ticket_type_id} @ {self.unit_price}"


class Ticket(TimeStampedModel):
    """One admitted person. Created unpaid at checkout; valid once the order is paid."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="tickets")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="tickets")
    ticket_type = models.ForeignKey("events.TicketType", on_delete=models.PROTECT, related_name="tickets")
    seat = models.ForeignKey("events.Seat", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets")
    attendee_name = models.CharField(_("attendee name"), max_length=150)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    serial = models.CharField(max_length=20, unique=True)
    secret = models.CharField(max_length=64, unique=True, default=new_ticket_secret, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNPAID, db_index=True)
    version = models.PositiveIntegerField(default=1)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_tickets",
        help_text=_("Who holds the ticket after a transfer; empty while the buyer holds it."),
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.serial


class SeatReservation(models.Model):
    """A seat taken by a hold, then by the ticket that bought it. One row per seat, ever at once."""

    seat = models.OneToOneField("events.Seat", on_delete=models.CASCADE, related_name="reservation")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="seat_reservations")
    ticket_type = models.ForeignKey("events.TicketType", on_delete=models.PROTECT, related_name="+")
    hold = models.ForeignKey(Hold, on_delete=models.SET_NULL, null=True, blank=True, related_name="seat_reservations")
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="seat_reservation"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(hold__isnull=False) | Q(ticket__isnull=False), name="seatreservation_has_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"Seat {self.seat_id} ({'sold' if self.ticket_id else 'held'})"


# Promotions, transfers and applications live in modules of their own; importing them registers the models.
from tickets.models_applications import Application, ApplicationAttachment  # noqa: E402, F401
from tickets.models_promotions import (  # noqa: E402, F401
    PROMO_CODE_MAX_LENGTH,
    REFERRAL_CODE_LENGTH,
    PromoCode,
    PromoRedemption,
    Referral,
    ReferralLink,
    new_referral_code,
)
from tickets.models_transfers import TicketTransfer  # noqa: E402, F401
