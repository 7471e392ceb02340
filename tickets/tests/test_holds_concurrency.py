"""Races on PostgreSQL with real threads, one connection each (skipped on SQLite)."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import TicketType
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.errors import LimitExceeded, SoldOut
from tickets.models import Hold
from tickets.services.holds import LineRequest, hold_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_200_buyers_racing_for_50_tickets_get_exactly_50(race):
    ticket_type = TicketTypeFactory(capacity=50)
    buyers = UserFactory.create_batch(200)

    results = race(
        lambda i: hold_create(
            buyer=buyers[i], event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now()
        ),
        n=200,
    )

    won = [result for result in results if isinstance(result, Hold)]
    sold_out = [result for result in results if isinstance(result, SoldOut)]
    assert len(won) == 50
    assert len(sold_out) == 150
    assert TicketType.objects.get(pk=ticket_type.pk).held == 50


def test_one_buyer_racing_20_holds_against_a_limit_of_4_gets_at_most_4(race):
    ticket_type = TicketTypeFactory(capacity=100, event=EventFactory(max_tickets_per_user=4))
    buyer = UserFactory()

    results = race(
        lambda i: hold_create(
            buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now()
        ),
        n=20,
    )

    assert sum(isinstance(result, Hold) for result in results) == 4
    assert all(isinstance(result, (Hold, LimitExceeded)) for result in results)
    assert TicketType.objects.get(pk=ticket_type.pk).held == 4


def test_the_same_order_paid_10_times_at_once_sells_one_set_of_tickets(race):
    from tickets.services.orders import order_checkout, order_mark_paid

    ticket_type = TicketTypeFactory(capacity=10)
    buyer = UserFactory()
    now = timezone.now()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 3)], now=now)
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=["A", "B", "C"], now=now)

    results = race(lambda i: order_mark_paid(order_id=order.pk, now=timezone.now()), n=10)

    assert sum(result.newly_paid for result in results) == 1
    ticket_type.refresh_from_db()
    assert (ticket_type.sold, ticket_type.held) == (3, 0)
    assert order.tickets.count() == 3


def test_60_buyers_choosing_overlapping_seats_never_get_the_same_seat(race):
    from events.services.seat_maps import SectionSpec, seat_map_generate
    from tickets.errors import SeatTaken
    from tickets.models import SeatReservation

    event = EventFactory()
    ticket_type = TicketTypeFactory(event=event, capacity=0)
    seat_map_generate(
        event=event, sections=[SectionSpec("Stalls", 2, 10, ticket_type)], actor=event.organizer, now=timezone.now()
    )
    seats = list(
        event.seat_map.sections.get()
        .rows.order_by("position")
        .values_list("seats__pk", flat=True)
        .order_by("seats__pk")
    )
    buyers = UserFactory.create_batch(60)

    def choose_two(i: int):
        pair = (seats[i % 20], seats[(i + 1) % 20])
        return hold_create(
            buyer=buyers[i], event=event, lines=[LineRequest(ticket_type.pk, 0, pair)], now=timezone.now()
        )

    results = race(choose_two, n=60)

    holds = [result for result in results if isinstance(result, Hold)]
    assert all(isinstance(result, (Hold, SeatTaken, SoldOut)) for result in results), results
    reserved = list(SeatReservation.objects.filter(event=event).values_list("seat_id", flat=True))
    assert len(reserved) == len(set(reserved)) == 2 * len(holds)
    assert 1 <= len(holds) <= 10
    assert TicketType.objects.get(pk=ticket_type.pk).held == 2 * len(holds)
