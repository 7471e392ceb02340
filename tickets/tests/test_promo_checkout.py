"""Buying with a promo code: every refusal, the discount maths, restricted and hidden ticket types, the
per-buyer limit, the use given back by unpaid orders and claimed again by a late payment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.errors import (
    InvalidSelection,
    PromoExpired,
    PromoInactive,
    PromoNotApplicable,
    PromoNotFound,
    PromoNotStarted,
    PromoUsedUp,
    PromoUserLimit,
)
from tickets.models import Order, PromoCode, PromoRedemption
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_cancel_unpaid, order_checkout, order_mark_paid, orders_expire_due
from tickets.tests.factories import PromoCodeFactory

pytestmark = pytest.mark.django_db


def hold_for(buyer, *lines, now=None, code=""):
    """A hold of (ticket type, quantity) pairs."""
    event = lines[0][0].event
    return hold_create(
        buyer=buyer,
        event=event,
        lines=[LineRequest(tt.pk, quantity) for tt, quantity in lines],
        now=now or timezone.now(),
        unlock_code=code,
    )


def checkout(buyer, hold, code, now=None):
    quantity = sum(line.quantity for line in hold.lines.all())
    return order_checkout(
        hold=hold, buyer=buyer, attendee_names=["Guest"] * quantity, now=now or timezone.now(), promo_code=code
    )


def buy(ticket_type, code, *, buyer=None, quantity=1, now=None):
    buyer = buyer or UserFactory()
    return checkout(buyer, hold_for(buyer, (ticket_type, quantity), now=now), code, now=now)


# --- the discount ---------------------------------------------------------------------------------------------


def test_percentage_code_takes_its_share_off_the_order_and_claims_one_use():
    ticket_type = TicketTypeFactory(price=Decimal("40.00"))
    promo = PromoCodeFactory(event=ticket_type.event, code="EARLY25", value=Decimal("25"), max_uses=10)

    order = buy(ticket_type, "early25", quantity=2)

    assert (order.subtotal, order.discount, order.total) == (Decimal("80.00"), Decimal("20.00"), Decimal("60.00"))
    assert order.discount_label == "Promo code EARLY25"
    assert PromoCode.objects.get(pk=promo.pk).uses == 1
    redemption = PromoRedemption.objects.get()
    assert (redemption.order, redemption.amount, redemption.status) == (order, Decimal("20.00"), "counted")


def test_percentage_is_rounded_half_up_to_the_cent_and_ticket_prices_add_up_to_the_total():
    ticket_type = TicketTypeFactory(price=Decimal("9.99"))
    PromoCodeFactory(event=ticket_type.event, code="THIRD", value=Decimal("33.33"))

    order = buy(ticket_type, "THIRD", quantity=3)

    assert order.discount == Decimal("9.99")  # 29.97 × 33.33 % = 9.989001
    assert order.total == Decimal("19.98")
    prices = sorted(order.tickets.values_list("price", flat=True))
    assert sum(prices) == order.total
    assert prices == [Decimal("6.66")] * 3


def test_fixed_amount_comes_off_the_order_once_and_is_spread_over_its_tickets():
    ticket_type = TicketTypeFactory(price=Decimal("10.00"))
    PromoCodeFactory(event=ticket_type.event, code="TENOFF", kind=PromoCode.Kind.FIXED, value=Decimal("10.00"))

    order = buy(ticket_type, "TENOFF", quantity=3)

    assert (order.discount, order.total) == (Decimal("10.00"), Decimal("20.00"))
    prices = sorted(order.tickets.values_list("price", flat=True))
    assert prices == [Decimal("6.66"), Decimal("6.67"), Decimal("6.67")]


def test_fixed_amount_above_the_price_makes_the_order_free_and_paid_at_once():
    ticket_type = TicketTypeFactory(price=Decimal("15.00"))
    PromoCodeFactory(event=ticket_type.event, code="FREEBIE", kind=PromoCode.Kind.FIXED, value=Decimal("50"))

    order = buy(ticket_type, "FREEBIE")

    assert (order.discount, order.total, order.status) == (Decimal("15.00"), Decimal("0.00"), Order.Status.PAID)
    ticket_type.refresh_from_db()
    assert (ticket_type.sold, ticket_type.held) == (1, 0)


def test_restricted_code_discounts_only_the_eligible_lines():
    event = EventFactory()
    standard = TicketTypeFactory(event=event, price=Decimal("20.00"))
    vip = TicketTypeFactory(event=event, price=Decimal("100.00"))
    promo = PromoCodeFactory(event=event, code="VIPHALF", value=Decimal("50"))
    promo.ticket_types.set([vip])
    buyer = UserFactory()

    order = checkout(buyer, hold_for(buyer, (standard, 2), (vip, 1)), "VIPHALF")

    assert (order.subtotal, order.discount, order.total) == (Decimal("140.00"), Decimal("50.00"), Decimal("90.00"))
    assert set(order.tickets.filter(ticket_type=standard).values_list("price", flat=True)) == {Decimal("20.00")}
    assert order.tickets.get(ticket_type=vip).price == Decimal("50.00")


def test_restricted_code_on_other_ticket_types_is_not_applicable_and_nothing_is_ordered():
    event = EventFactory()
    standard = TicketTypeFactory(event=event)
    vip = TicketTypeFactory(event=event)
    promo = PromoCodeFactory(event=event, code="VIPONLY")
    promo.ticket_types.set([vip])
    buyer = UserFactory()
    hold = hold_for(buyer, (standard, 1))

    with pytest.raises(PromoNotApplicable):
        checkout(buyer, hold, "VIPONLY")

    assert not Order.objects.exists()
    assert PromoCode.objects.get(pk=promo.pk).uses == 0
    hold.refresh_from_db()
    assert hold.status == "active"


def test_code_on_free_tickets_is_not_applicable():
    ticket_type = TicketTypeFactory(price=Decimal("0"))
    PromoCodeFactory(event=ticket_type.event, code="NOTHING")

    with pytest.raises(PromoNotApplicable):
        buy(ticket_type, "NOTHING")


def test_without_a_code_the_order_has_no_discount():
    ticket_type = TicketTypeFactory(price=Decimal("12.50"))

    order = buy(ticket_type, "  ")

    assert (order.discount, order.discount_label, order.total) == (Decimal("0"), "", Decimal("12.50"))
    assert not PromoRedemption.objects.exists()


# --- every refusal --------------------------------------------------------------------------------------------


def test_unknown_code_is_refused():
    ticket_type = TicketTypeFactory()

    with pytest.raises(PromoNotFound) as refused:
        buy(ticket_type, "NOPE")

    assert refused.value.code == "promo_not_found"
    assert not Order.objects.exists()


def test_code_of_another_event_is_unknown_here():
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(code="ELSEWHERE")

    with pytest.raises(PromoNotFound):
        buy(ticket_type, "ELSEWHERE")


def test_deactivated_code_is_refused():
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, code="OFF", is_active=False)

    with pytest.raises(PromoInactive):
        buy(ticket_type, "OFF")


def test_code_before_its_window_is_refused():
    now = timezone.now()
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, code="SOON", valid_from=now + timedelta(hours=1))

    with pytest.raises(PromoNotStarted):
        buy(ticket_type, "SOON", now=now)


def test_code_after_its_window_is_refused():
    now = timezone.now()
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, code="GONE", valid_until=now)

    with pytest.raises(PromoExpired):
        buy(ticket_type, "GONE", now=now)


def test_used_up_code_is_refused():
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, code="ONCE", max_uses=1)
    buy(ticket_type, "ONCE")

    with pytest.raises(PromoUsedUp):
        buy(ticket_type, "ONCE")

    assert PromoCode.objects.get(code="ONCE").uses == 1
    assert Order.objects.count() == 1


def test_per_user_limit_counts_the_buyers_earlier_orders():
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, code="TWICE", per_user_limit=2)
    buyer = UserFactory()
    buy(ticket_type, "TWICE", buyer=buyer)
    buy(ticket_type, "TWICE", buyer=buyer)

    with pytest.raises(PromoUserLimit):
        buy(ticket_type, "TWICE", buyer=buyer)

    buy(ticket_type, "TWICE")  # someone else still may
    assert PromoCode.objects.get(code="TWICE").uses == 3


def test_per_user_limit_does_not_count_orders_that_gave_the_use_back():
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, code="MINE", per_user_limit=1)
    buyer = UserFactory()
    first = buy(ticket_type, "MINE", buyer=buyer)
    order_cancel_unpaid(order=first, buyer=buyer, now=timezone.now())

    again = buy(ticket_type, "MINE", buyer=buyer)

    assert again.discount > 0


def test_personal_code_is_refused_to_anyone_but_its_owner():
    ticket_type = TicketTypeFactory()
    owner = UserFactory()
    PromoCodeFactory(event=ticket_type.event, code="ADA-REWARD", owner=owner, max_uses=1)

    with pytest.raises(PromoNotApplicable, match="personal"):
        buy(ticket_type, "ADA-REWARD")

    assert buy(ticket_type, "ADA-REWARD", buyer=owner).discount > 0


# --- hidden ticket types --------------------------------------------------------------------------------------


def test_code_that_unlocks_hidden_types_lets_the_buyer_hold_them():
    event = EventFactory()
    secret = TicketTypeFactory(event=event, is_hidden=True, unlock_code="OWN-CODE", price=Decimal("30.00"))
    PromoCodeFactory(event=event, code="FRIENDS", unlocks_hidden=True, value=Decimal("10"))
    buyer = UserFactory()

    hold = hold_for(buyer, (secret, 2), code="friends")
    order = checkout(buyer, hold, "FRIENDS")

    assert order.total == Decimal("54.00")


def test_code_without_unlocking_does_not_reveal_hidden_types():
    event = EventFactory()
    secret = TicketTypeFactory(event=event, is_hidden=True, unlock_code="OWN-CODE")
    PromoCodeFactory(event=event, code="PLAIN")

    with pytest.raises(InvalidSelection):
        hold_for(UserFactory(), (secret, 1), code="PLAIN")


def test_used_up_code_no_longer_unlocks_hidden_types():
    event = EventFactory()
    secret = TicketTypeFactory(event=event, is_hidden=True, unlock_code="OWN-CODE")
    PromoCodeFactory(event=event, code="FULL", unlocks_hidden=True, max_uses=1, uses=1)

    with pytest.raises(InvalidSelection):
        hold_for(UserFactory(), (secret, 1), code="FULL")


def test_restricted_unlocking_code_reveals_only_its_own_hidden_types():
    event = EventFactory()
    mine = TicketTypeFactory(event=event, is_hidden=True, unlock_code="A-CODE")
    other = TicketTypeFactory(event=event, is_hidden=True, unlock_code="B-CODE")
    promo = PromoCodeFactory(event=event, code="PRESS", unlocks_hidden=True)
    promo.ticket_types.set([mine])
    buyer = UserFactory()

    assert hold_for(buyer, (mine, 1), code="PRESS")
    with pytest.raises(InvalidSelection):
        hold_for(buyer, (other, 1), code="PRESS")


# --- giving uses back and late payments -----------------------------------------------------------------------


def test_expired_unpaid_order_gives_its_use_back():
    now = timezone.now()
    ticket_type = TicketTypeFactory()
    promo = PromoCodeFactory(event=ticket_type.event, code="BACK", max_uses=1)
    order = buy(ticket_type, "BACK", now=now)

    orders_expire_due(now=order.expires_at + timedelta(seconds=1))

    assert PromoCode.objects.get(pk=promo.pk).uses == 0
    redemption = PromoRedemption.objects.get(order=order)
    assert redemption.status == PromoRedemption.Status.RELEASED
    assert redemption.released_at is not None
    assert buy(ticket_type, "BACK").discount > 0  # the use is free for someone else


def test_cancelled_unpaid_order_gives_its_use_back():
    ticket_type = TicketTypeFactory()
    promo = PromoCodeFactory(event=ticket_type.event, code="UNDO", max_uses=5)
    buyer = UserFactory()
    order = buy(ticket_type, "UNDO", buyer=buyer)

    order_cancel_unpaid(order=order, buyer=buyer, now=timezone.now())

    assert PromoCode.objects.get(pk=promo.pk).uses == 0


def test_paid_order_keeps_its_use():
    ticket_type = TicketTypeFactory()
    promo = PromoCodeFactory(event=ticket_type.event, code="KEEP", max_uses=5)
    order = buy(ticket_type, "KEEP")

    order_mark_paid(order_id=order.pk, now=timezone.now())
    orders_expire_due(now=order.expires_at + timedelta(hours=1))

    assert PromoCode.objects.get(pk=promo.pk).uses == 1


def test_late_payment_claims_the_use_again_when_there_is_room():
    ticket_type = TicketTypeFactory()
    promo = PromoCodeFactory(event=ticket_type.event, code="LATE", max_uses=2)
    order = buy(ticket_type, "LATE")
    later = order.expires_at + timedelta(seconds=1)
    orders_expire_due(now=later)

    outcome = order_mark_paid(order_id=order.pk, now=later)

    assert outcome.newly_paid
    assert PromoCode.objects.get(pk=promo.pk).uses == 1
    assert PromoRedemption.objects.get(order=order).status == PromoRedemption.Status.COUNTED


def test_late_payment_after_the_code_was_used_up_is_honoured_at_the_price_paid_and_recorded():
    ticket_type = TicketTypeFactory(price=Decimal("20.00"))
    promo = PromoCodeFactory(event=ticket_type.event, code="LAST", max_uses=1, value=Decimal("50"))
    order = buy(ticket_type, "LAST")
    later = order.expires_at + timedelta(seconds=1)
    orders_expire_due(now=later)
    buy(ticket_type, "LAST", now=later)  # someone else takes the freed use

    outcome = order_mark_paid(order_id=order.pk, now=later)

    assert outcome.newly_paid and not outcome.needs_refund
    order.refresh_from_db()
    assert (order.status, order.total) == (Order.Status.PAID, Decimal("10.00"))
    assert PromoCode.objects.get(pk=promo.pk).uses == 1  # never past the limit
    assert PromoRedemption.objects.get(order=order).status == PromoRedemption.Status.OVER_LIMIT
    assert AuditLogEntry.objects.filter(action="promo_code.honoured_over_limit", target_id=str(promo.pk)).exists()


def test_late_payment_that_needs_a_refund_leaves_the_use_released():
    ticket_type = TicketTypeFactory(capacity=1)
    promo = PromoCodeFactory(event=ticket_type.event, code="SOLD", max_uses=5)
    order = buy(ticket_type, "SOLD")
    later = order.expires_at + timedelta(seconds=1)
    orders_expire_due(now=later)
    buy(ticket_type, "", now=later)  # the only ticket is sold to someone else

    outcome = order_mark_paid(order_id=order.pk, now=later)

    assert outcome.needs_refund
    assert PromoCode.objects.get(pk=promo.pk).uses == 0
    assert PromoRedemption.objects.get(order=order).status == PromoRedemption.Status.RELEASED
