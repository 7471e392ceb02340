"""Holds: availability, limits, expiry and the no-overselling guarantee."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import TicketType
from events.tests.factories import CapacityPoolFactory, EventFactory, TicketTypeFactory
from tickets.errors import InvalidSelection, LimitExceeded, NotVerified, SalesClosed, SoldOut
from tickets.models import Hold
from tickets.services.holds import LineRequest, hold_create, hold_release, holds_expire_due

pytestmark = pytest.mark.django_db


def test_hold_create_reserves_tickets_at_the_server_price():
    ticket_type = TicketTypeFactory(capacity=10)
    buyer = UserFactory()
    now = timezone.now()

    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 3)], now=now)

    ticket_type.refresh_from_db()
    assert ticket_type.held == 3
    assert hold.total == ticket_type.price * 3
    assert hold.expires_at == now + timedelta(minutes=10)


def test_hold_create_refuses_more_than_available():
    ticket_type = TicketTypeFactory(capacity=2)

    with pytest.raises(SoldOut):
        hold_create(
            buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 3)], now=timezone.now()
        )

    ticket_type.refresh_from_db()
    assert ticket_type.held == 0


def test_hold_create_respects_shared_capacity():
    pool = CapacityPoolFactory(capacity=3)
    first = TicketTypeFactory(event=pool.event, capacity=10, pool=pool)
    second = TicketTypeFactory(event=pool.event, capacity=10, pool=pool)
    hold_create(buyer=UserFactory(), event=pool.event, lines=[LineRequest(first.pk, 2)], now=timezone.now())

    with pytest.raises(SoldOut):
        hold_create(buyer=UserFactory(), event=pool.event, lines=[LineRequest(second.pk, 2)], now=timezone.now())


def test_expired_holds_stop_counting_at_once():
    ticket_type = TicketTypeFactory(capacity=2)
    now = timezone.now()
    hold_create(buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 2)], now=now)

    later = now + timedelta(minutes=11)
    hold = hold_create(buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 2)], now=later)

    ticket_type.refresh_from_db()
    assert hold.status == Hold.Status.ACTIVE
    assert ticket_type.held == 2
    assert Hold.objects.filter(status=Hold.Status.EXPIRED).count() == 1


def test_sweep_releases_expired_holds():
    ticket_type = TicketTypeFactory(capacity=5)
    now = timezone.now()
    hold_create(buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 4)], now=now)

    released = holds_expire_due(now=now + timedelta(minutes=10, seconds=1))

    ticket_type.refresh_from_db()
    assert released == 1 and ticket_type.held == 0


def test_hold_release_gives_tickets_back_once():
    ticket_type = TicketTypeFactory(capacity=5)
    buyer = UserFactory()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 4)], now=timezone.now())

    hold_release(hold=hold, buyer=buyer)
    hold_release(hold=hold, buyer=buyer)

    ticket_type.refresh_from_db()
    assert ticket_type.held == 0


def test_unverified_buyers_cannot_hold():
    ticket_type = TicketTypeFactory()

    with pytest.raises(NotVerified):
        hold_create(
            buyer=UserFactory(unverified=True),
            event=ticket_type.event,
            lines=[LineRequest(ticket_type.pk, 1)],
            now=timezone.now(),
        )


def test_sales_window_is_enforced():
    now = timezone.now()
    ticket_type = TicketTypeFactory(sales_start=now + timedelta(days=1))

    with pytest.raises(SalesClosed):
        hold_create(buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=now)


def test_draft_events_are_not_on_sale():
    ticket_type = TicketTypeFactory(event=EventFactory(draft=True))

    with pytest.raises(SalesClosed):
        hold_create(
            buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now()
        )


def test_per_order_limits_are_enforced():
    ticket_type = TicketTypeFactory(max_per_order=4)

    with pytest.raises(LimitExceeded):
        hold_create(
            buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 5)], now=timezone.now()
        )


def test_per_person_limit_counts_earlier_holds():
    ticket_type = TicketTypeFactory(event=EventFactory(max_tickets_per_user=4))
    buyer = UserFactory()
    now = timezone.now()
    hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 3)], now=now)

    with pytest.raises(LimitExceeded):
        hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 2)], now=now)


def test_ticket_type_of_another_event_is_refused():
    ticket_type = TicketTypeFactory()

    with pytest.raises(InvalidSelection):
        hold_create(
            buyer=UserFactory(), event=EventFactory(), lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now()
        )


def test_hidden_ticket_type_needs_its_code():
    ticket_type = TicketTypeFactory(is_hidden=True, unlock_code="FRIENDS")
    buyer = UserFactory()

    with pytest.raises(InvalidSelection):
        hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now())
    hold = hold_create(
        buyer=buyer,
        event=ticket_type.event,
        lines=[LineRequest(ticket_type.pk, 1)],
        now=timezone.now(),
        unlock_code="friends",
    )

    assert hold.lines.get().quantity == 1


def test_same_idempotency_key_returns_the_same_hold():
    ticket_type = TicketTypeFactory(capacity=10)
    buyer = UserFactory()

    first = hold_create(
        buyer=buyer,
        event=ticket_type.event,
        lines=[LineRequest(ticket_type.pk, 2)],
        now=timezone.now(),
        idempotency_key="k1",
    )
    second = hold_create(
        buyer=buyer,
        event=ticket_type.event,
        lines=[LineRequest(ticket_type.pk, 2)],
        now=timezone.now(),
        idempotency_key="k1",
    )

    assert first.pk == second.pk
    assert TicketType.objects.get(pk=ticket_type.pk).held == 2


def test_held_and_sold_seats_show_as_taken_and_expired_ones_do_not():
    from events.selectors.seating import seat_ids_taken
    from events.services.seat_maps import SectionSpec, seat_map_generate

    event = EventFactory()
    ticket_type = TicketTypeFactory(event=event, capacity=0)
    seat_map_generate(
        event=event, sections=[SectionSpec("Stalls", 1, 4, ticket_type)], actor=event.organizer, now=timezone.now()
    )
    seats = list(event.seat_map.sections.get().rows.get().seats.values_list("pk", flat=True))
    now = timezone.now()
    hold_create(buyer=UserFactory(), event=event, lines=[LineRequest(ticket_type.pk, 0, tuple(seats[:2]))], now=now)

    taken_now = seat_ids_taken(event=event, now=now)
    taken_later = seat_ids_taken(event=event, now=now + timedelta(minutes=11))

    assert taken_now == frozenset(seats[:2])
    assert taken_later == frozenset()
