"""Holds, orders and tickets. Capacity counters live on events.TicketType/CapacityPool; a seat is taken
by at most one SeatReservation (the database guarantees a seat is never sold twice)."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
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


REFERRAL_CODE_LENGTH = 12  # 60 bits from ORDER_CODE_ALPHABET: short enough to share, too many to guess


def new_referral_code() -> str:
    return "".join(secrets.choice(ORDER_CODE_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))


class ReferralLink(TimeStampedModel):
    """A ticket holder's personal link to share an event (/r/<code>/). One per person and event."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="referral_links")
    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_links")
    code = models.CharField(max_length=16, unique=True, default=new_referral_code, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "referrer"], name="referrallink_one_per_event_user")]

    def __str__(self) -> str:
        return self.code


class Referral(TimeStampedModel):
    """An order bought through a referral link, and what became of the referrer's reward."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")  # the order is not paid (yet)
        REWARDED = "rewarded", _("Rewarded")
        INELIGIBLE = "ineligible", _("No reward")  # the customer was referred before, or the event is over
        REVOKED = "revoked", _("Revoked: order refunded")

    link = models.ForeignKey(ReferralLink, on_delete=models.PROTECT, related_name="referrals")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="referrals")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="referral")
    referred_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_received"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    discount = models.DecimalField(max_digits=12, decimal_places=2)
    reward_code = models.OneToOneField(
        "tickets.PromoCode", on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    rewarded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    reward_was_used = models.BooleanField(
        default=False, help_text=_("The reward code had already been redeemed when the order was refunded.")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "rewarded", "ineligible", "revoked"]), name="referral_status_valid"
            ),
            models.CheckConstraint(condition=Q(discount__gte=0), name="referral_discount_not_negative"),
            # One reward per referred customer and event, ever: a reward revoked by a refund still counts.
            models.UniqueConstraint(
                fields=["event", "referred_user"],
                condition=Q(status__in=["rewarded", "revoked"]),
                name="referral_one_reward_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.link_id} → {self.order_id} ({self.status})"


PROMO_CODE_MAX_LENGTH = 40


class PromoCode(TimeStampedModel):
    """Money off an order for buyers who type the code at checkout; may also reveal hidden ticket types.

    ``uses`` counts orders holding a use (claimed at checkout, given back when an unpaid order expires or is
    cancelled). The database keeps it within ``max_uses``.
    """

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        FIXED = "fixed", _("Amount off")

    class Source(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        REFERRAL_REWARD = "referral_reward", _("Referral reward")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(_("code"), max_length=PROMO_CODE_MAX_LENGTH)
    kind = models.CharField(_("discount type"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(_("discount"), max_digits=10, decimal_places=2)
    max_uses = models.PositiveIntegerField(_("max uses"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("uses"), default=0)
    per_user_limit = models.PositiveSmallIntegerField(_("uses per buyer"), null=True, blank=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    ticket_types = models.ManyToManyField(
        "events.TicketType", blank=True, related_name="promo_codes", verbose_name=_("ticket types")
    )
    unlocks_hidden = models.BooleanField(_("unlocks hidden ticket types"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promo_codes_owned",
        verbose_name=_("only for"),
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ORGANIZER)
    note = models.CharField(_("note"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                "event",
                name="promocode_code_unique_per_event",
                violation_error_message=_("This event already has this code."),
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")), name="promocode_uses_within_max"
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(max_uses__gte=1), name="promocode_max_uses_positive"
            ),
            models.CheckConstraint(
                condition=Q(per_user_limit__isnull=True) | Q(per_user_limit__gte=1), name="promocode_per_user_positive"
            ),
            models.CheckConstraint(condition=Q(kind__in=["percent", "fixed"]), name="promocode_kind_valid"),
            models.CheckConstraint(
                condition=Q(value__gt=0) & (Q(kind="fixed") | Q(value__lte=100)), name="promocode_value_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="promocode_window_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["organizer", "referral_reward"]), name="promocode_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class PromoRedemption(TimeStampedModel):
    """One order placed with a promo code: the discount it got and whether it holds a use of the code."""

    class Status(models.TextChoices):
        COUNTED = "counted", _("Counted")  # holds one of the code's uses
        RELEASED = "released", _("Released")  # the unpaid order expired or was cancelled: the use went back
        OVER_LIMIT = "over_limit", _("Honoured over the limit")  # a late payment after the code was used up

    promo_code = models.ForeignKey(PromoCode, on_delete=models.PROTECT, related_name="redemptions")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="promo_redemption")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promo_redemptions")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.COUNTED)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["promo_code", "user", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="promoredemption_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=["counted", "released", "over_limit"]), name="promoredemption_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promo_code_id} → order {self.order_id} ({self.status})"


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


# Applications to approval-required events live in their own module; importing them registers the models.
from tickets.models_applications import Application, ApplicationAttachment  # noqa: E402, F401
