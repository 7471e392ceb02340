"""Referral rewards under concurrent payment confirmations, on PostgreSQL (skipped on SQLite)."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from tickets.models import PromoCode, Referral
from tickets.services.orders import PaymentOutcome, order_mark_paid
from tickets.tests.helpers_referrals import referral_ticket_type, referred_checkout, referrer_with_link

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_the_same_referred_order_confirmed_10_times_at_once_rewards_once(race):
    ticket_type = referral_ticket_type()
    _referrer, link = referrer_with_link(ticket_type)
    order = referred_checkout(ticket_type=ticket_type, buyer=UserFactory(), code=link.code)

    results = race(lambda i: order_mark_paid(order_id=order.pk, now=timezone.now()), n=10)

    assert all(isinstance(result, PaymentOutcome) for result in results), results
    assert sum(result.newly_paid for result in results) == 1
    assert PromoCode.objects.filter(source=PromoCode.Source.REFERRAL_REWARD).count() == 1


def test_two_referred_orders_of_one_customer_paid_at_once_reward_once(race):
    ticket_type = referral_ticket_type()
    _referrer, link = referrer_with_link(ticket_type)
    friend = UserFactory()
    orders = [referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code, quantity=1) for _ in range(2)]

    results = race(lambda i: order_mark_paid(order_id=orders[i].pk, now=timezone.now()), n=2)

    assert all(isinstance(result, PaymentOutcome) and result.newly_paid for result in results), results
    statuses = sorted(Referral.objects.values_list("status", flat=True))
    assert statuses == [Referral.Status.INELIGIBLE, Referral.Status.REWARDED]
    assert PromoCode.objects.filter(source=PromoCode.Source.REFERRAL_REWARD).count() == 1
