"""Refunding a paid order in full (called by payments), and late payments reviving abandoned orders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import CapacityPool, TicketType
from events.tests.factories import CapacityPoolFactory, TicketTypeFactory
from tickets.models import Order, Ticket
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_cancel_unpaid, order_checkout, order_mark_paid, order_mark_refunded

pytestmark = pytest.mark.django_db


def checkout(ticket_type, quantity=2):
    buyer, now = UserFactory(), timezone.now()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, quantity)], now=now)
    return order_checkout(hold=hold, buyer=buyer, attendee_names=["A"] * quantity, now=now)


def test_refunding_a_paid_order_invalidates_its_tickets_and_returns_capacity():
    pool = CapacityPoolFactory(capacity=10)
    ticket_type = TicketTypeFactory(event=pool.event, pool=pool, capacity=10)
    order = checkout(ticket_type)
    order_mark_paid(order_id=order.pk, now=timezone.now())

    refunded = order_mark_refunded(order_id=order.pk, now=timezone.now())

    order.refresh_from_db()
    assert refunded and order.status == Order.Status.REFUNDED
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.REFUNDED}
    assert TicketType.objects.get(pk=ticket_type.pk).sold == 0
    assert CapacityPool.objects.get(pk=pool.pk).sold == 0


def test_refunding_an_unpaid_order_changes_nothing():
    ticket_type = TicketTypeFactory(capacity=10)
    order = checkout(ticket_type)

    assert not order_mark_refunded(order_id=order.pk, now=timezone.now())

    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert TicketType.objects.get(pk=ticket_type.pk).held == 2


def test_a_late_payment_for_an_abandoned_order_is_no_longer_cancelled():
    ticket_type = TicketTypeFactory(capacity=10)
    order = checkout(ticket_type)
    order_cancel_unpaid(order=order, buyer=order.buyer, now=timezone.now())

    outcome = order_mark_paid(order_id=order.pk, now=timezone.now() + timedelta(minutes=1))

    order.refresh_from_db()
    assert outcome.newly_paid
    assert (order.status, order.cancelled_at) == (Order.Status.PAID, None)
