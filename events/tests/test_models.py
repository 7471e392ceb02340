"""Database constraints of the catalogue: the rules hold even when code forgets them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from events.models import CapacityPool, Event, TicketType
from events.tests.factories import CapacityPoolFactory, EventFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def violates(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


def test_event_must_end_after_it_starts():
    event = EventFactory()

    assert violates(lambda: Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at - timedelta(minutes=1)))


def test_event_needs_a_venue_or_an_online_link():
    event = EventFactory(online=True)

    assert violates(lambda: Event.objects.filter(pk=event.pk).update(online_url=""))


def test_event_status_must_be_known():
    event = EventFactory()

    assert violates(lambda: Event.objects.filter(pk=event.pk).update(status="archived"))


def test_ticket_type_cannot_sell_beyond_capacity():
    ticket_type = TicketTypeFactory(capacity=10, sold=8)

    assert violates(lambda: TicketType.objects.filter(pk=ticket_type.pk).update(sold=F("sold") + 3))
    assert not violates(lambda: TicketType.objects.filter(pk=ticket_type.pk).update(sold=F("sold") + 2))


def test_ticket_type_holds_count_against_capacity():
    ticket_type = TicketTypeFactory(capacity=10, sold=5, held=5)

    assert violates(lambda: TicketType.objects.filter(pk=ticket_type.pk).update(held=F("held") + 1))


def test_ticket_type_price_cannot_be_negative():
    ticket_type = TicketTypeFactory()

    assert violates(lambda: TicketType.objects.filter(pk=ticket_type.pk).update(price=Decimal("-0.01")))


def test_ticket_type_min_per_order_cannot_exceed_max():
    ticket_type = TicketTypeFactory(min_per_order=1, max_per_order=4)

    assert violates(lambda: TicketType.objects.filter(pk=ticket_type.pk).update(min_per_order=5))


def test_ticket_type_sales_window_must_be_ordered():
    ticket_type = TicketTypeFactory()
    start = ticket_type.event.starts_at - timedelta(days=3)

    assert violates(
        lambda: TicketType.objects.filter(pk=ticket_type.pk).update(
            sales_start=start, sales_end=start - timedelta(hours=1)
        )
    )


def test_hidden_ticket_type_needs_an_unlock_code():
    ticket_type = TicketTypeFactory()

    assert violates(lambda: TicketType.objects.filter(pk=ticket_type.pk).update(is_hidden=True, unlock_code=""))


def test_shared_capacity_cannot_be_oversold():
    pool = CapacityPoolFactory(capacity=50, sold=49)

    assert violates(lambda: CapacityPool.objects.filter(pk=pool.pk).update(sold=F("sold") + 2))


def test_event_local_filter_shows_times_in_the_event_zone():
    from datetime import UTC, datetime

    from django.template import Context, Template

    event = EventFactory(timezone="Asia/Tokyo")
    moment = datetime(2030, 5, 1, 10, 0, tzinfo=UTC)

    rendered = Template('{% load catalogue %}{{ moment|event_local:event|date:"H:i T" }}').render(
        Context({"moment": moment, "event": event})
    )

    assert rendered == "19:00 JST"
