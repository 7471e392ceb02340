"""The referral program (SPEC §4 "Referrals"): "share and save".

Every ticket holder of an event with the program on gets a personal link. A new customer of the event who
books through it gets the organizer's discount (the order's one discount); once that order is paid, the
referrer receives a reward: a single-use promo code for the same event that only they may use. A full refund
of the referred order revokes the reward.

Rules, in the order they are checked at checkout (``referral_check``):
- the program is on for the event (otherwise the code is ignored: no discount, no error);
- the code belongs to a link of this event whose owner still holds a valid ticket;
- the buyer is not the referrer: not the same account, not the same e-mail address (compared without case
  and without a "+tag", so ada+deals@example.com is Ada@example.com);
- the buyer is a new customer of the event: no earlier order of theirs for it was ever paid.
One reward per referred customer and event, ever (a database constraint): a second referred order of the same
person is marked ineligible when paid.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.services import audit_record
from events.models import Event
from events.templatetags.catalogue import money
from notifications.services import email_queue
from tickets.errors import ReferralInvalid, ReferralNotEligible, ReferralNotNewCustomer, ReferralSelf
from tickets.models import Order, Referral, ReferralLink, Ticket
from tickets.services.discounts import Discount, discount_fixed, discount_percent
from tickets.services.promo_codes import promo_code_create, promo_code_deactivate

REFERRAL_CODE_MAX_LENGTH = 16


def canonical_email(email: str) -> str:
    """The address one person is reachable at: lower case, without a "+tag" in the local part."""
    local, _at, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if local else email.strip().lower()


def referral_value_label(*, kind: str, value: Decimal, currency: str) -> str:
    """'10% off' or '€5.00 off'."""
    if kind == Event.ReferralKind.PERCENT:
        return _("%(percent)s%% off") % {"percent": f"{value.normalize():f}"}
    return _("%(amount)s off") % {"amount": money(value, currency)}


def referral_discount_amount(*, event: Event, subtotal: Decimal) -> Decimal:
    """The referred buyer's discount on ``subtotal``, never more than it."""
    if event.referral_discount_kind == Event.ReferralKind.PERCENT:
        return discount_percent(base=subtotal, percent=event.referral_discount_value)
    return discount_fixed(base=subtotal, amount=event.referral_discount_value)


def held_by(user: User) -> Q:
    """Tickets ``user`` holds: bought and not transferred away, or transferred to them."""
    return Q(holder=user) | Q(holder__isnull=True, order__buyer=user)


def _holds_valid_ticket(*, user: User, event: Event) -> bool:
    return Ticket.objects.filter(held_by(user), event=event, status=Ticket.Status.VALID).exists()


def referral_check(*, code: str, event: Event, buyer: User) -> ReferralLink | None:
    """The link ``code`` stands for, if ``buyer`` may book ``event`` through it. None when the event's program
    is off (the code is then ignored). Reads only.

    Raises: ReferralInvalid (unknown code, another event's, or its owner no longer holds a ticket),
    ReferralSelf, ReferralNotNewCustomer.
    """
    if not event.referral_enabled:
        return None
    link = (
        ReferralLink.objects.select_related("referrer")
        .filter(code=code.strip().upper()[:REFERRAL_CODE_MAX_LENGTH], event=event)
        .first()
    )
    if link is None or not _holds_valid_ticket(user=link.referrer, event=event):
        raise ReferralInvalid()
    if link.referrer_id == buyer.pk or canonical_email(link.referrer.email) == canonical_email(buyer.email):
        raise ReferralSelf()
    if Order.objects.filter(event=event, buyer=buyer, paid_at__isnull=False).exists():
        raise ReferralNotNewCustomer()
    return link


def referrer_display_name(user: User) -> str:
    """What a referred buyer sees of the referrer: the first name only (or "a friend")."""
    first = (user.name or "").strip().split(" ")[0]
    return first or _("a friend")


@dataclass(frozen=True)
class ReferralQuote:
    link: ReferralLink
    discount: Discount


def referral_quote(*, code: str, event: Event, buyer: User, subtotal: Decimal) -> ReferralQuote | None:
    """The discount ``buyer`` gets on ``subtotal`` through ``code`` (None when the program is off).

    Raises: as ``referral_check``.
    """
    link = referral_check(code=code, event=event, buyer=buyer)
    if link is None:
        return None
    label = _("Referral from %(name)s") % {"name": referrer_display_name(link.referrer)}
    return ReferralQuote(link=link, discount=Discount(referral_discount_amount(event=event, subtotal=subtotal), label))


def referral_attach(*, quote: ReferralQuote, order: Order) -> Referral:
    """Record that ``order`` was booked through the quoted link. In order_checkout's transaction."""
    return Referral.objects.create(
        link=quote.link,
        event_id=order.event_id,
        order=order,
        referred_user_id=order.buyer_id,
        discount=quote.discount.amount,
        created_at=order.created_at,
    )


@transaction.atomic
def referral_link_get_or_create(*, event: Event, referrer: User, now: datetime) -> ReferralLink:
    """The ticket holder's link for the event, created the first time.

    Raises: ReferralNotEligible when the program is off or ``referrer`` holds no valid ticket for the event.
    """
    if not event.referral_enabled or not _holds_valid_ticket(user=referrer, event=event):
        raise ReferralNotEligible()
    return _link_ensure(event=event, referrer=referrer, now=now)


def _link_ensure(*, event: Event, referrer: User, now: datetime) -> ReferralLink:
    link, _created = ReferralLink.objects.get_or_create(event=event, referrer=referrer, defaults={"created_at": now})
    return link


def referral_order_paid(*, order: Order, now: datetime) -> None:
    """An order became paid (order_after_paid; same transaction, order locked): give the buyer their own link
    when the program is on, and reward the referrer of a referred order once.

    Locks: the order's referral row (after the order, before any capacity).
    """
    event = order.event
    if event.referral_enabled:
        _link_ensure(event=event, referrer=order.buyer, now=now)
    referral = (
        Referral.objects.select_for_update(of=("self",)).filter(order=order).select_related("link__referrer").first()
    )
    if referral is None or referral.status != Referral.Status.PENDING:
        return  # not referred, or decided already (a repeated confirmation)
    if event.status != Event.Status.PUBLISHED or event.ends_at <= now:
        # A late payment after the event ended or was cancelled: a code for it would buy nothing.
        referral.status = Referral.Status.INELIGIBLE
        referral.save(update_fields=["status", "updated_at"])
        return
    try:
        # The savepoint claims "one reward per customer" (the unique constraint) before anything is issued;
        # a concurrent payment of another referred order of the same person waits here, then loses.
        with transaction.atomic():
            referral.status, referral.rewarded_at = Referral.Status.REWARDED, now
            referral.save(update_fields=["status", "rewarded_at", "updated_at"])
    except IntegrityError:
        referral.status, referral.rewarded_at = Referral.Status.INELIGIBLE, None
        referral.save(update_fields=["status", "updated_at"])
        return
    referrer = referral.link.referrer
    reward = promo_code_create(
        event=event,
        kind=event.referral_reward_kind,
        value=event.referral_reward_value,
        max_uses=1,
        per_user_limit=1,
        owner=referrer,
        source="referral_reward",
        actor=None,
        now=now,
    )
    referral.reward_code = reward
    referral.save(update_fields=["reward_code", "updated_at"])
    email_queue(
        to=referrer.email,
        template="referral_reward",
        context={
            "name": referrer.name,
            "event_title": event.title,
            "code": reward.code,
            "reward": referral_value_label(
                kind=event.referral_reward_kind, value=event.referral_reward_value, currency=event.currency
            ),
            "event_url": settings.SITE_URL + reverse("events:detail", args=[event.slug]),
            "rewards_url": settings.SITE_URL + reverse("tickets:rewards"),
        },
    )


def referral_order_refunded(*, order: Order, now: datetime) -> None:
    """A referred order was refunded in full (order_after_refunded; same transaction, order locked): revoke
    the referrer's reward.

    The reward code is deactivated. If the referrer had redeemed it already, the discount they got stays
    (their own order was paid at that price and is not reopened); the referral records it
    (``reward_was_used``) so the organizer sees it.
    Locks: the order's referral row.
    """
    referral = (
        Referral.objects.select_for_update(of=("self",)).filter(order=order).select_related("reward_code").first()
    )
    if referral is None or referral.status != Referral.Status.REWARDED:
        return
    reward = referral.reward_code
    if reward is not None:
        referral.reward_was_used = reward.uses > 0
        promo_code_deactivate(
            promo_code=reward,
            actor=None,
            reason=_("The referred order %(code)s was refunded.") % {"code": order.code},
            now=now,
        )
    referral.status, referral.revoked_at = Referral.Status.REVOKED, now
    referral.save(update_fields=["status", "revoked_at", "reward_was_used", "updated_at"])


@dataclass(frozen=True)
class ReferralSettings:
    enabled: bool
    discount_kind: str
    discount_value: Decimal
    reward_kind: str
    reward_value: Decimal


def _settings_errors(values: ReferralSettings) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for prefix, kind, value in (
        ("referral_discount", values.discount_kind, values.discount_value),
        ("referral_reward", values.reward_kind, values.reward_value),
    ):
        field = f"{prefix}_value"
        if kind not in Event.ReferralKind.values:
            errors[f"{prefix}_kind"] = [_("Choose percent or a fixed amount.")]
        elif value < 0:
            errors[field] = [_("The value cannot be negative.")]
        elif kind == Event.ReferralKind.PERCENT and value > 100:
            errors[field] = [_("A percentage is at most 100.")]
        elif values.enabled and value <= 0:
            errors[field] = [_("Enter a value above zero to run the program.")]
    return errors


@transaction.atomic
def referral_settings_update(*, event: Event, values: ReferralSettings, actor: User, now: datetime) -> Event:
    """Switch the event's referral program on or off and set the friend's discount and the referrer's reward.
    Applies to checkouts and rewards from now on; rewards already issued keep their value. Audited.

    Locks: the event.
    Raises: ValidationError (by field) for a negative value, a percentage above 100, or a zero value while on.
    """
    errors = _settings_errors(values)
    if errors:
        raise ValidationError(errors)
    event = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
    before = {
        "enabled": event.referral_enabled,
        "discount": f"{event.referral_discount_value} {event.referral_discount_kind}",
        "reward": f"{event.referral_reward_value} {event.referral_reward_kind}",
    }
    event.referral_enabled = values.enabled
    event.referral_discount_kind, event.referral_discount_value = values.discount_kind, values.discount_value
    event.referral_reward_kind, event.referral_reward_value = values.reward_kind, values.reward_value
    event.save(
        update_fields=[
            "referral_enabled", "referral_discount_kind", "referral_discount_value", "referral_reward_kind",
            "referral_reward_value", "updated_at",
        ]
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="event.referral_settings_updated",
        target=event,
        data={
            "before": before,
            "after": {
                "enabled": values.enabled,
                "discount": f"{values.discount_value} {values.discount_kind}",
                "reward": f"{values.reward_value} {values.reward_kind}",
            },
        },
        now=now,
    )
    return event
