"""Referral program set-ups shared by its tests: an event with the program on, a ticket holder with a link,
and a friend's checkout through it (all through the services)."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Event, TicketType
from events.tests.factories import TicketTypeFactory
from tickets.models import Order, ReferralLink
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout
from tickets.services.referrals import referral_link_get_or_create
from tickets.tests.factories import order_booked


def referral_ticket_type(
    *,
    price: str = "25.00",
    discount: tuple[str, str] = ("percent", "10"),
    reward: tuple[str, str] = ("fixed", "5.00"),
    enabled: bool = True,
) -> TicketType:
    """A ticket type of a published event whose referral program gives ``discount`` and rewards ``reward``."""
    ticket_type = TicketTypeFactory(price=Decimal(price), capacity=100, event__currency="EUR")
    Event.objects.filter(pk=ticket_type.event_id).update(
        referral_enabled=enabled,
        referral_discount_kind=discount[0],
        referral_discount_value=Decimal(discount[1]) if enabled else Decimal(0),
        referral_reward_kind=reward[0],
        referral_reward_value=Decimal(reward[1]) if enabled else Decimal(0),
    )
    ticket_type.event.refresh_from_db()
    return ticket_type


def referrer_with_link(ticket_type: TicketType, **user_fields) -> tuple:
    """A ticket holder (a paid order) and their referral link for the event."""
    user_fields.setdefault("name", "Ada Lovelace")
    referrer = UserFactory(**user_fields)
    order_booked(ticket_type=ticket_type, buyer=referrer, names=[referrer.name])
    event = Event.objects.get(pk=ticket_type.event_id)
    if not event.referral_enabled:
        return referrer, None
    return referrer, referral_link_get_or_create(event=event, referrer=referrer, now=timezone.now())


def referred_checkout(
    *, ticket_type: TicketType, buyer, code: str, quantity: int = 2, now: datetime | None = None, **extra
) -> Order:
    """``buyer`` holds ``quantity`` tickets and checks out with the referral ``code``."""
    now = now or timezone.now()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, quantity)], now=now)
    return order_checkout(
        hold=hold, buyer=buyer, attendee_names=["Guest"] * quantity, now=now, referral_code=code, **extra
    )


def link_of(referrer) -> ReferralLink:
    return ReferralLink.objects.get(referrer=referrer)
