"""Dynamic pricing under concurrent holds on PostgreSQL (skipped on SQLite): every hold gets the price in
force, and a change of the current price is recorded once, however many holds notice it at once."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import PriceChange, TicketType
from events.tests.factories import TicketTypeFactory
from tickets.models import Hold, HoldLine
from tickets.services.holds import LineRequest, hold_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_40_holds_noticing_a_price_step_at_once_record_it_once(race):
    ticket_type = TicketTypeFactory(
        price=Decimal("40.00"), capacity=200, sold=100, dynamic_pricing=True, price_floor=Decimal("30.00"),
        price_ceiling=Decimal("80.00"), current_price=Decimal("40.00"),
        pricing_rules=[{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10.00"}],
    )  # fmt: skip
    buyers = UserFactory.create_batch(40)

    results = race(
        lambda i: hold_create(
            buyer=buyers[i], event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now()
        ),
        n=40,
    )

    assert all(isinstance(result, Hold) for result in results), results
    assert set(HoldLine.objects.values_list("unit_price", flat=True)) == {Decimal("44.00")}
    change = PriceChange.objects.get()
    assert (change.previous_price, change.price) == (Decimal("40.00"), Decimal("44.00"))
    assert TicketType.objects.get(pk=ticket_type.pk).current_price == Decimal("44.00")
