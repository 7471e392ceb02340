"""Ticket types and shared capacity: what changes, what is refused, and what the database guarantees."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.errors import CapacityBelowSold, EventNotEditable, TicketTypeInUse
from events.models import CapacityPool, Event, TicketType
from events.services.ticket_types import (
    capacity_pool_delete,
    capacity_pool_save,
    ticket_type_create,
    ticket_type_delete,
    ticket_type_update,
)
from events.tests.factories import CapacityPoolFactory, EventFactory, TicketTypeFactory
from tickets.models import Hold, HoldLine

pytestmark = pytest.mark.django_db


def test_ticket_type_create_adds_it_to_the_event():
    event = EventFactory(draft=True)

    ticket_type = ticket_type_create(
        event=event,
        actor=event.organizer,
        data={"name": "Early bird", "price": Decimal("19.00"), "capacity": 50},
        now=timezone.now(),
    )

    assert (ticket_type.event, ticket_type.name, ticket_type.available) == (event, "Early bird", 50)
    assert AuditLogEntry.objects.filter(action="ticket_type.created").exists()


def test_ticket_type_create_ignores_a_pool_of_another_event():
    event = EventFactory(draft=True)
    foreign_pool = CapacityPoolFactory()

    ticket_type = ticket_type_create(
        event=event,
        actor=event.organizer,
        data={"name": "Standard", "price": Decimal("10"), "capacity": 5, "pool": foreign_pool},
        now=timezone.now(),
    )

    assert ticket_type.pool is None


def test_ticket_type_create_on_a_cancelled_event_is_refused():
    event = EventFactory(status=Event.Status.CANCELLED)

    with pytest.raises(EventNotEditable):
        ticket_type_create(
            event=event, actor=event.organizer, data={"name": "X", "price": 1, "capacity": 1}, now=timezone.now()
        )

    assert not TicketType.objects.exists()


def test_ticket_type_create_with_a_hidden_type_and_no_code_is_refused():
    event = EventFactory(draft=True)

    with pytest.raises(ValidationError):
        ticket_type_create(
            event=event,
            actor=event.organizer,
            data={"name": "Crew", "price": 0, "capacity": 5, "is_hidden": True, "unlock_code": ""},
            now=timezone.now(),
        )

    assert not TicketType.objects.exists()


def test_ticket_type_update_changes_price_and_capacity():
    ticket_type = TicketTypeFactory(capacity=100, sold=10)

    ticket_type_update(
        ticket_type=ticket_type,
        actor=ticket_type.event.organizer,
        data={"price": Decimal("35.00"), "capacity": 10},
        now=timezone.now(),
    )

    ticket_type.refresh_from_db()
    assert (ticket_type.price, ticket_type.capacity) == (Decimal("35.00"), 10)


def test_ticket_type_update_capacity_below_sold_and_held_is_refused():
    ticket_type = TicketTypeFactory(capacity=100, sold=10, held=5)

    with pytest.raises(CapacityBelowSold, match="15 tickets"):
        ticket_type_update(
            ticket_type=ticket_type, actor=ticket_type.event.organizer, data={"capacity": 14}, now=timezone.now()
        )

    ticket_type.refresh_from_db()
    assert ticket_type.capacity == 100


def test_ticket_type_update_cannot_move_sold_tickets_to_another_pool():
    ticket_type = TicketTypeFactory(sold=2)
    pool = CapacityPoolFactory(event=ticket_type.event)

    with pytest.raises(TicketTypeInUse):
        ticket_type_update(
            ticket_type=ticket_type, actor=ticket_type.event.organizer, data={"pool": pool}, now=timezone.now()
        )

    ticket_type.refresh_from_db()
    assert ticket_type.pool is None


def test_ticket_type_update_assigns_an_unsold_type_to_a_pool():
    ticket_type = TicketTypeFactory()
    pool = CapacityPoolFactory(event=ticket_type.event)

    ticket_type_update(
        ticket_type=ticket_type, actor=ticket_type.event.organizer, data={"pool": pool}, now=timezone.now()
    )

    ticket_type.refresh_from_db()
    assert ticket_type.pool == pool


def test_ticket_type_update_refuses_a_sales_end_before_its_start():
    ticket_type = TicketTypeFactory()
    start = timezone.now() + timedelta(days=2)

    with pytest.raises(ValidationError):
        ticket_type_update(
            ticket_type=ticket_type,
            actor=ticket_type.event.organizer,
            data={"sales_start": start, "sales_end": start - timedelta(hours=1)},
            now=timezone.now(),
        )

    ticket_type.refresh_from_db()
    assert ticket_type.sales_start is None


def test_ticket_type_delete_removes_an_unsold_type():
    ticket_type = TicketTypeFactory()

    ticket_type_delete(ticket_type=ticket_type, actor=ticket_type.event.organizer, now=timezone.now())

    assert not TicketType.objects.filter(pk=ticket_type.pk).exists()


@pytest.mark.parametrize("counts", [{"sold": 1}, {"held": 1}])
def test_ticket_type_delete_with_sold_or_held_tickets_is_refused(counts):
    ticket_type = TicketTypeFactory(**counts)

    with pytest.raises(TicketTypeInUse):
        ticket_type_delete(ticket_type=ticket_type, actor=ticket_type.event.organizer, now=timezone.now())

    assert TicketType.objects.filter(pk=ticket_type.pk).exists()


def test_ticket_type_delete_with_an_expired_reservation_is_refused_not_crashed():
    ticket_type = TicketTypeFactory()
    hold = Hold.objects.create(
        buyer=UserFactory(),
        event=ticket_type.event,
        status=Hold.Status.EXPIRED,
        expires_at=timezone.now(),
        currency="EUR",
        total=0,
    )
    HoldLine.objects.create(hold=hold, ticket_type=ticket_type, quantity=1, unit_price=Decimal("25.00"))

    with pytest.raises(TicketTypeInUse, match="Orders or reservations"):
        ticket_type_delete(ticket_type=ticket_type, actor=ticket_type.event.organizer, now=timezone.now())

    assert TicketType.objects.filter(pk=ticket_type.pk).exists()


def test_capacity_pool_save_creates_and_resizes():
    event = EventFactory(draft=True)

    pool = capacity_pool_save(event=event, actor=event.organizer, name=" Hall ", capacity=500, now=timezone.now())
    capacity_pool_save(
        event=event, actor=event.organizer, name="Main hall", capacity=450, pool=pool, now=timezone.now()
    )

    pool.refresh_from_db()
    assert (pool.name, pool.capacity, pool.event) == ("Main hall", 450, event)


def test_capacity_pool_resize_below_sold_is_refused():
    pool = CapacityPoolFactory(capacity=100, sold=60, held=10)

    with pytest.raises(CapacityBelowSold):
        capacity_pool_save(
            event=pool.event, actor=pool.event.organizer, name=pool.name, capacity=69, pool=pool, now=timezone.now()
        )

    pool.refresh_from_db()
    assert pool.capacity == 100


def test_capacity_pool_of_another_event_cannot_be_resized_through_this_one():
    pool = CapacityPoolFactory(capacity=100)
    other_event = EventFactory(organizer=pool.event.organizer)

    with pytest.raises(CapacityPool.DoesNotExist):
        capacity_pool_save(
            event=other_event, actor=other_event.organizer, name="X", capacity=1, pool=pool, now=timezone.now()
        )


def test_capacity_pool_delete_frees_its_ticket_types():
    pool = CapacityPoolFactory()
    ticket_type = TicketTypeFactory(event=pool.event, pool=pool)

    capacity_pool_delete(pool=pool, actor=pool.event.organizer, now=timezone.now())

    ticket_type.refresh_from_db()
    assert ticket_type.pool is None and not CapacityPool.objects.exists()


def test_capacity_pool_delete_with_sold_tickets_is_refused():
    pool = CapacityPoolFactory(sold=1)

    with pytest.raises(TicketTypeInUse):
        capacity_pool_delete(pool=pool, actor=pool.event.organizer, now=timezone.now())

    assert CapacityPool.objects.filter(pk=pool.pk).exists()


# The database has the last word, whatever code forgets to check.


def test_database_refuses_a_negative_price():
    ticket_type = TicketTypeFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        TicketType.objects.filter(pk=ticket_type.pk).update(price=Decimal("-1.00"))


def test_database_refuses_selling_over_capacity():
    ticket_type = TicketTypeFactory(capacity=10, sold=10)

    with pytest.raises(IntegrityError), transaction.atomic():
        TicketType.objects.filter(pk=ticket_type.pk).update(sold=11)


def test_database_refuses_a_pool_sold_over_capacity():
    pool = CapacityPoolFactory(capacity=5, held=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        CapacityPool.objects.filter(pk=pool.pk).update(sold=4)
