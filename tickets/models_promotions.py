"""Promo codes and their redemptions, referral links and referrals (SPEC §4). Imported by ``tickets.models``;
the rules are in ``tickets.services.promo_codes``, ``promo_redemptions`` and ``referrals``."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from tickets.models import ORDER_CODE_ALPHABET, Order

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
