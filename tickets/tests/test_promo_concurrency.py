"""Promo code races on PostgreSQL with real threads, one connection each (skipped on SQLite)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketTypeFactory
from tickets.errors import PromoUsedUp, PromoUserLimit
from tickets.models import Order, PromoCode, PromoRedemption
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout
from tickets.tests.factories import PromoCodeFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_50_concurrent_checkouts_with_a_single_use_code_give_exactly_one_discounted_order(race):
    ticket_type = TicketTypeFactory(capacity=100, price=Decimal("30.00"))
    promo = PromoCodeFactory(event=ticket_type.event, code="ONLYONE", max_uses=1, value=Decimal("50"))
    buyers = UserFactory.create_batch(50)
    now = timezone.now()
    holds = [
        hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=now)
        for buyer in buyers
    ]

    results = race(
        lambda i: order_checkout(
            hold=holds[i], buyer=buyers[i], attendee_names=["Guest"], now=timezone.now(), promo_code="onlyone"
        ),
        n=50,
        workers=50,
    )

    orders = [result for result in results if isinstance(result, Order)]
    assert len(orders) == 1, results
    assert all(isinstance(result, (Order, PromoUsedUp)) for result in results), results
    assert Order.objects.filter(discount__gt=0).count() == 1
    assert Order.objects.get().discount == Decimal("15.00")
    assert PromoCode.objects.get(pk=promo.pk).uses == 1
    assert PromoRedemption.objects.count() == 1


def test_one_buyer_racing_10_checkouts_against_a_limit_of_2_gets_2_discounts(race):
    ticket_type = TicketTypeFactory(capacity=100)
    promo = PromoCodeFactory(event=ticket_type.event, code="TWOEACH", per_user_limit=2)
    buyer = UserFactory()
    now = timezone.now()
    holds = [
        hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=now)
        for _ in range(10)
    ]

    results = race(
        lambda i: order_checkout(
            hold=holds[i], buyer=buyer, attendee_names=["Guest"], now=timezone.now(), promo_code="TWOEACH"
        ),
        n=10,
    )

    assert sum(isinstance(result, Order) for result in results) == 2
    assert all(isinstance(result, (Order, PromoUserLimit)) for result in results), results
    assert PromoCode.objects.get(pk=promo.pk).uses == 2
