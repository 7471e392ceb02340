"""The catalogue: categories, venues, events, ticket types, shared capacity, seat maps, staff, wishlists."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from events.pricing.rules import validate_pricing_rules

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #4f46e5."))
icon_name = RegexValidator(r"^[a-z0-9-]+$", _("Use a Bootstrap Icons name such as music-note-beamed."))


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Category(TimeStampedModel):
    """Managed by admins."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    icon = models.CharField(_("icon"), max_length=40, default="stars", validators=[icon_name])
    colour = models.CharField(_("colour"), max_length=7, default="#4f46e5", validators=[hex_colour])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Venue(TimeStampedModel):
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="venues", verbose_name=_("organizer")
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    city = models.CharField(_("city"), max_length=100, db_index=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("Two-letter ISO code, e.g. DE."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="venue_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="venue_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class Event(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        ENDED = "ended", _("Ended")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public — listed and searchable")
        UNLISTED = "unlisted", _("Unlisted — only people with the link")

    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="events", verbose_name=_("organizer")
    )
    title = models.CharField(_("title"), max_length=140)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    summary = models.CharField(_("summary"), max_length=240, blank=True, help_text=_("One or two sentences for lists."))
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="events", verbose_name=_("category"))
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="events", null=True, blank=True, verbose_name=_("venue")
    )
    online_url = models.URLField(_("online link"), blank=True, help_text=_("Shown to ticket holders only."))
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_timezone])
    cover = models.ImageField(_("cover image"), upload_to="covers/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    featured = models.BooleanField(_("featured"), default=False, db_index=True)
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[RegexValidator(r"^[A-Z]{3}$", _("ISO code, e.g. EUR."))]
    )
    max_tickets_per_order = models.PositiveSmallIntegerField(
        _("max tickets per order"), default=10, validators=[MinValueValidator(1)]
    )
    max_tickets_per_user = models.PositiveSmallIntegerField(
        _("max tickets per person"), null=True, blank=True, help_text=_("Across all their orders. Empty: no limit.")
    )
    requires_approval = models.BooleanField(
        _("requires approval"), default=False, help_text=_("Buyers apply; you approve or decline each application.")
    )
    application_questions = models.JSONField(
        _("application questions"),
        default=list,
        blank=True,
        help_text=_("What applicants answer when they apply: a list of {label, required}."),
    )
    refund_policy = models.JSONField(
        _("refund policy"),
        default=list,
        blank=True,
        help_text=_("Tiers of refund percentage by hours before the start, e.g. 100% until 168 h, 50% until 48 h."),
    )
    refund_fee = models.DecimalField(_("refund fee"), max_digits=8, decimal_places=2, default=0)
    transfers_enabled = models.BooleanField(
        _("ticket transfers"),
        default=True,
        help_text=_("Ticket holders may pass a ticket on to someone else by e-mail; the ticket gets a new QR code."),
    )
    transfer_cutoff_hours = models.PositiveSmallIntegerField(
        _("transfers close (hours before the start)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(24 * 365)],
        help_text=_("No transfers in the last this many hours before the start. Empty: until the start."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("cancellation reason"), blank=True)

    # Referral program (tickets.services.referrals): a referred new customer saves, the referrer is rewarded.
    class ReferralKind(models.TextChoices):
        PERCENT = "percent", _("Percent")
        FIXED = "fixed", _("Fixed amount")

    referral_enabled = models.BooleanField(
        _("referral program"), default=False, help_text=_("Ticket holders get a link to share; friends save.")
    )
    referral_discount_kind = models.CharField(
        _("discount for the friend"), max_length=8, choices=ReferralKind.choices, default=ReferralKind.PERCENT
    )
    referral_discount_value = models.DecimalField(_("discount value"), max_digits=10, decimal_places=2, default=0)
    referral_reward_kind = models.CharField(
        _("reward for the referrer"), max_length=8, choices=ReferralKind.choices, default=ReferralKind.PERCENT
    )
    referral_reward_value = models.DecimalField(_("reward value"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["status", "visibility", "starts_at"], name="event_public_listing_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "cancelled", "ended"]), name="event_status_valid"
            ),
            models.CheckConstraint(condition=Q(visibility__in=["public", "unlisted"]), name="event_visibility_valid"),
            models.CheckConstraint(
                condition=Q(venue__isnull=False) | ~Q(online_url=""), name="event_has_venue_or_online_link"
            ),
            models.CheckConstraint(condition=Q(max_tickets_per_order__gte=1), name="event_max_per_order_positive"),
            models.CheckConstraint(condition=Q(refund_fee__gte=0), name="event_refund_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(referral_discount_kind__in=["percent", "fixed"])
                & Q(referral_reward_kind__in=["percent", "fixed"]),
                name="event_referral_kinds_valid",
            ),
            models.CheckConstraint(
                condition=Q(referral_discount_value__gte=0, referral_reward_value__gte=0)
                & (~Q(referral_discount_kind="percent") | Q(referral_discount_value__lte=100))
                & (~Q(referral_reward_kind="percent") | Q(referral_reward_value__lte=100)),
                name="event_referral_values_in_range",
            ),
            models.CheckConstraint(
                condition=Q(referral_enabled=False) | Q(referral_discount_value__gt=0, referral_reward_value__gt=0),
                name="event_referral_enabled_has_values",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.venue_id is None

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class CapacityPool(TimeStampedModel):
    """Capacity shared by several ticket types of one event (e.g. 500 people however split)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="capacity_pools")
    name = models.CharField(_("name"), max_length=80)
    capacity = models.PositiveIntegerField(_("capacity"))
    sold = models.PositiveIntegerField(_("sold"), default=0)
    held = models.PositiveIntegerField(_("held"), default=0)

    class Meta:
        verbose_name = _("shared capacity")
        verbose_name_plural = _("shared capacities")
        constraints = [
            models.CheckConstraint(condition=Q(sold__lte=F("capacity") - F("held")), name="pool_not_oversold"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity})"


class TicketType(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    capacity = models.PositiveIntegerField(_("capacity"))
    sold = models.PositiveIntegerField(_("sold"), default=0)
    held = models.PositiveIntegerField(_("held"), default=0)
    pool = models.ForeignKey(
        CapacityPool,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket_types",
        verbose_name=_("shared capacity"),
    )
    sales_start = models.DateTimeField(_("sales start"), null=True, blank=True)
    sales_end = models.DateTimeField(_("sales end"), null=True, blank=True)
    min_per_order = models.PositiveSmallIntegerField(_("min per order"), default=1)
    max_per_order = models.PositiveSmallIntegerField(_("max per order"), default=10)
    is_hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Only shown after entering the unlock code.")
    )
    unlock_code = models.CharField(_("unlock code"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Dynamic pricing (events.pricing, docs/pricing.md): opt-in; ``price`` is then the base price.
    dynamic_pricing = models.BooleanField(
        _("dynamic pricing"), default=False, help_text=_("The price follows the rules below, within the limits.")
    )
    price_floor = models.DecimalField(_("lowest price"), max_digits=10, decimal_places=2, null=True, blank=True)
    price_ceiling = models.DecimalField(_("highest price"), max_digits=10, decimal_places=2, null=True, blank=True)
    pricing_rules = models.JSONField(
        _("pricing rules"),
        default=list,
        blank=True,
        validators=[validate_pricing_rules],
        help_text=_("A list of {kind, threshold or until, adjust, value}; see docs/pricing.md."),
    )
    current_price = models.DecimalField(
        _("current price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The last price recorded in the price history (empty: none recorded yet)."),
    )

    class Meta:
        ordering = ["position", "price", "id"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        constraints = [
            models.CheckConstraint(condition=Q(sold__lte=F("capacity") - F("held")), name="tickettype_not_oversold"),
            models.CheckConstraint(condition=Q(price__gte=0), name="tickettype_price_not_negative"),
            models.CheckConstraint(
                condition=Q(min_per_order__gte=1, min_per_order__lte=F("max_per_order")),
                name="tickettype_order_limits_valid",
            ),
            models.CheckConstraint(
                condition=Q(sales_start__isnull=True) | Q(sales_end__isnull=True) | Q(sales_end__gt=F("sales_start")),
                name="tickettype_sales_window_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_hidden=False) | ~Q(unlock_code=""), name="tickettype_hidden_needs_code"
            ),
            models.CheckConstraint(
                condition=Q(dynamic_pricing=False)
                | Q(
                    price_floor__isnull=False,
                    price_ceiling__isnull=False,
                    price_floor__gte=0,
                    price_floor__lte=F("price"),
                    price_ceiling__gte=F("price"),
                ),
                name="tickettype_dynamic_price_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.name}"

    @property
    def available(self) -> int:
        """Left to sell in this type alone (the shared capacity may allow fewer)."""
        return max(0, self.capacity - self.sold - self.held)


class PriceChange(models.Model):
    """One change of a ticket type's current price (the price history). Written by
    ``events.services.pricing.ticket_type_price_record`` only, once per change."""

    ticket_type = models.ForeignKey(TicketType, on_delete=models.CASCADE, related_name="price_changes")
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    previous_price = models.DecimalField(_("previous price"), max_digits=10, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        indexes = [models.Index(fields=["ticket_type", "at"], name="pricechange_type_at_idx")]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="pricechange_price_not_negative")]

    def __str__(self) -> str:
        return f"{self.ticket_type_id}: {self.previous_price} → {self.price}"


class EventStaff(TimeStampedModel):
    """Gate staff: a user allowed to check tickets in at one event (SPEC §2)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staffed_events")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )

    class Meta:
        verbose_name = _("gate staff")
        verbose_name_plural = _("gate staff")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="eventstaff_unique")]

    def __str__(self) -> str:
        return f"{self.user} at {self.event}"


class WishlistItem(TimeStampedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="wishlisted_by")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="wishlist_unique")]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.event}"


# Seat maps live in a module of their own; importing it registers the models.
from events.models_seating import Seat, SeatMap, SeatRow, SeatSection  # noqa: E402, F401
