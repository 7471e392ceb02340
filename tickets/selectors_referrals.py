"""Reads of the referral program: a ticket holder's links and rewards, an invitation as the invited person
sees it, and one event's conversions for its organizer.

Organizer reads take ``event`` from ``events.selectors.organizer.event_get_for_organizer``, so they never
reach another organizer's data. Lists are one query whatever their length.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from events.models import Event
from tickets.models import Order, Referral, ReferralLink, Ticket
from tickets.services.referrals import held_by, referral_value_label, referrer_display_name

CONVERTED = [Referral.Status.REWARDED, Referral.Status.INELIGIBLE, Referral.Status.REVOKED]


@dataclass(frozen=True)
class ShareCard:
    """What the "Share and save" card of one event shows its ticket holder."""

    event: Event
    link: ReferralLink | None  # None until they ask for it (their tickets predate the program)
    discount_label: str
    reward_label: str
    conversions: int


@dataclass(frozen=True)
class Invitation:
    """A referral link as the event page shows it to the person who followed it."""

    code: str
    referrer_name: str
    discount_label: str
    is_own: bool


def event_discount_label(event: Event) -> str:
    return referral_value_label(
        kind=event.referral_discount_kind, value=event.referral_discount_value, currency=event.currency
    )


def event_reward_label(event: Event) -> str:
    return referral_value_label(
        kind=event.referral_reward_kind, value=event.referral_reward_value, currency=event.currency
    )


def referral_share_cards(*, user: User, events: Iterable[Event]) -> dict[int, ShareCard]:
    """Event pk → the share card, for those of ``events`` with the program on where ``user`` holds a valid
    ticket. Two queries."""
    enabled = {event.pk: event for event in events if event.referral_enabled}
    if not enabled:
        return {}
    holding = set(
        Ticket.objects.filter(held_by(user), status=Ticket.Status.VALID, event_id__in=enabled)
        .values_list("event_id", flat=True)
        .distinct()
    )
    links = {
        link.event_id: link
        for link in ReferralLink.objects.filter(referrer=user, event_id__in=holding).annotate(
            conversions=Count("referrals", filter=Q(referrals__status__in=CONVERTED))
        )
    }
    return {
        pk: ShareCard(
            event=enabled[pk],
            link=links.get(pk),
            discount_label=event_discount_label(enabled[pk]),
            reward_label=event_reward_label(enabled[pk]),
            conversions=getattr(links.get(pk), "conversions", 0),
        )
        for pk in holding
    }


def referral_invitation_get(*, code: str, event: Event, viewer: User | None) -> Invitation | None:
    """The invitation behind a remembered ``code`` for ``event``; None when the program is off or the code is
    not one of this event's links."""
    if not code or not event.referral_enabled:
        return None
    link = ReferralLink.objects.select_related("referrer").filter(code=code, event=event).first()
    if link is None:
        return None
    return Invitation(
        code=link.code,
        referrer_name=referrer_display_name(link.referrer),
        discount_label=event_discount_label(event),
        is_own=bool(viewer and viewer.is_authenticated and viewer.pk == link.referrer_id),
    )


def referral_link_list_for_user(*, user: User) -> QuerySet[ReferralLink]:
    """The user's links with their event and ``conversions`` (referred orders that were paid)."""
    return (
        ReferralLink.objects.filter(referrer=user)
        .select_related("event")
        .annotate(conversions=Count("referrals", filter=Q(referrals__status__in=CONVERTED)))
        .order_by("-event__starts_at", "-id")
    )


def referral_reward_list_for_user(*, user: User) -> QuerySet[Referral]:
    """The rewards the user earned (and those revoked), newest first, with their promo code and event."""
    return (
        Referral.objects.filter(link__referrer=user, status__in=[Referral.Status.REWARDED, Referral.Status.REVOKED])
        .select_related("event", "reward_code")
        .order_by("-rewarded_at", "-id")
    )


def referral_list_for_event(*, event: Event, status: str = "") -> QuerySet[Referral]:
    """The event's referred orders, newest first, with referrer, referred buyer, order and reward code.
    ``status`` is one of Referral.Status (anything else is ignored)."""
    referrals = Referral.objects.filter(event=event)
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    return referrals.select_related("link__referrer", "referred_user", "order", "reward_code").order_by(
        "-created_at", "-id"
    )


def referral_summary_for_event(*, event: Event) -> dict:
    """Totals for the organizer: referrers (links), referrers with a conversion, conversions (referred orders
    that were paid), revenue of the referred orders still paid, discounts given on them, rewards issued and
    revoked. Two queries."""
    money = DecimalField(max_digits=14, decimal_places=2)
    paid = Q(order__status=Order.Status.PAID)
    totals = Referral.objects.filter(event=event).aggregate(
        conversions=Count("pk", filter=Q(status__in=CONVERTED)),
        awaiting=Count("pk", filter=Q(status=Referral.Status.PENDING, order__status=Order.Status.PENDING)),
        revenue=Coalesce(Sum("order__total", filter=paid), Value(Decimal(0)), output_field=money),
        discounts=Coalesce(Sum("discount", filter=paid), Value(Decimal(0)), output_field=money),
        rewards_issued=Count("pk", filter=Q(status__in=[Referral.Status.REWARDED, Referral.Status.REVOKED])),
        rewards_revoked=Count("pk", filter=Q(status=Referral.Status.REVOKED)),
        referrers_converting=Count("link__referrer", filter=Q(status__in=CONVERTED), distinct=True),
    )
    totals["referrers"] = ReferralLink.objects.filter(event=event).count()
    totals["currency"] = event.currency
    return totals


def referral_top_referrers(*, event: Event, limit: int = 10) -> QuerySet[ReferralLink]:
    """The event's links that brought paid orders, most conversions first, with ``conversions`` and ``revenue``
    (of referred orders still paid)."""
    money = DecimalField(max_digits=14, decimal_places=2)
    return (
        ReferralLink.objects.filter(event=event)
        .select_related("referrer")
        .annotate(
            conversions=Count("referrals", filter=Q(referrals__status__in=CONVERTED)),
            revenue=Coalesce(
                Sum("referrals__order__total", filter=Q(referrals__order__status=Order.Status.PAID)),
                Value(Decimal(0)),
                output_field=money,
            ),
        )
        .filter(conversions__gt=0)
        .order_by("-conversions", "-revenue", "id")[:limit]
    )
