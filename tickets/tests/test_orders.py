"""Checkout and payment confirmation: tickets appear once, capacity moves from held to sold."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import TicketType
from events.tests.factories import TicketTypeFactory
from tickets.errors import HoldExpired, InvalidSelection
from tickets.models import Order, Ticket
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout, order_mark_paid, orders_expire_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    ticket_type = TicketTypeFactory(capacity=5, price=Decimal("20.00"))
    buyer = UserFactory(name="Ann Buyer")
    now = timezone.now()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 2)], now=now)
    return ticket_type, buyer, hold, now


def test_checkout_creates_a_pending_order_with_one_unpaid_ticket_per_person(held):
    _ticket_type, buyer, hold, now = held

    order = order_checkout(hold=hold, buyer=buyer, attendee_names=["Ann Buyer", "Bob Friend"], now=now)

    assert order.status == Order.Status.PENDING and order.total == Decimal("40.00")
    assert sorted(order.tickets.values_list("attendee_name", flat=True)) == ["Ann Buyer", "Bob Friend"]
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.UNPAID}
    assert len({ticket.serial for ticket in order.tickets.all()}) == 2


def test_checkout_needs_a_name_per_ticket(held):
    _ticket_type, buyer, hold, now = held

    with pytest.raises(InvalidSelection):
        order_checkout(hold=hold, buyer=buyer, attendee_names=["Only One"], now=now)

    assert not Order.objects.exists()


def test_checkout_of_an_expired_hold_is_refused(held):
    _ticket_type, buyer, hold, now = held

    with pytest.raises(HoldExpired):
        order_checkout(hold=hold, buyer=buyer, attendee_names=["A", "B"], now=now + timedelta(minutes=11))


def test_checkout_of_another_buyers_hold_is_refused(held):
    _ticket_type, _buyer, hold, now = held

    with pytest.raises(HoldExpired):
        order_checkout(hold=hold, buyer=UserFactory(), attendee_names=["A", "B"], now=now)


def test_payment_moves_capacity_from_held_to_sold_and_validates_tickets(held):
    ticket_type, buyer, hold, now = held
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=["A", "B"], now=now)

    outcome = order_mark_paid(order_id=order.pk, now=now)

    ticket_type.refresh_from_db()
    assert outcome.newly_paid
    assert (ticket_type.held, ticket_type.sold) == (0, 2)
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}


def test_payment_confirmed_twice_counts_once(held):
    ticket_type, buyer, hold, now = held
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=["A", "B"], now=now)

    first = order_mark_paid(order_id=order.pk, now=now)
    second = order_mark_paid(order_id=order.pk, now=now)

    assert (first.newly_paid, second.newly_paid) == (True, False)
    assert TicketType.objects.get(pk=ticket_type.pk).sold == 2


def test_unpaid_orders_expire_and_give_capacity_back(held):
    ticket_type, buyer, hold, now = held
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=["A", "B"], now=now)

    expired = orders_expire_due(now=now + timedelta(minutes=11))

    ticket_type.refresh_from_db()
    order.refresh_from_db()
    assert expired == 1 and order.status == Order.Status.EXPIRED and ticket_type.held == 0
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}


def test_late_payment_gets_tickets_when_capacity_is_still_free(held):
    ticket_type, buyer, hold, now = held
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=["A", "B"], now=now)
    orders_expire_due(now=now + timedelta(minutes=11))

    outcome = order_mark_paid(order_id=order.pk, now=now + timedelta(minutes=12))

    assert outcome.newly_paid and not outcome.needs_refund
    assert TicketType.objects.get(pk=ticket_type.pk).sold == 2


def test_late_payment_asks_for_a_refund_when_capacity_is_gone(held):
    ticket_type, buyer, hold, now = held
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=["A", "B"], now=now)
    later = now + timedelta(minutes=11)
    orders_expire_due(now=later)
    hold_create(buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 4)], now=later)

    outcome = order_mark_paid(order_id=order.pk, now=later)

    order.refresh_from_db()
    assert outcome.needs_refund and not outcome.newly_paid
    assert order.status == Order.Status.EXPIRED
    assert TicketType.objects.get(pk=ticket_type.pk).sold == 0


def test_free_orders_are_paid_at_checkout():
    ticket_type = TicketTypeFactory(price=Decimal("0"))
    buyer = UserFactory()
    now = timezone.now()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=now)

    order = order_checkout(hold=hold, buyer=buyer, attendee_names=[""], now=now)

    assert order.status == Order.Status.PAID
    assert order.tickets.get().attendee_name == buyer.name
