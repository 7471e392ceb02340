"""Dynamic pricing with the database: the hold fixes the price, the history records each change once, the beat
task catches time-based changes, the organizer's services validate and record."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from config.celery import app as celery_app
from events.models import PriceChange, TicketType
from events.pricing import ticket_type_quotes, unit_price
from events.services.pricing import dynamic_prices_record_due, ticket_type_price_record
from events.services.ticket_types import ticket_type_create, ticket_type_update
from events.tasks import record_dynamic_prices
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Order
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout, order_mark_paid

pytestmark = pytest.mark.django_db

STEP_AT_HALF = [{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10.00"}]


def dynamic_type(**overrides) -> TicketType:
    values = {
        "price": Decimal("40.00"), "capacity": 10, "dynamic_pricing": True, "price_floor": Decimal("30.00"),
        "price_ceiling": Decimal("80.00"), "pricing_rules": STEP_AT_HALF,
    }  # fmt: skip
    return TicketTypeFactory(**{**values, **overrides})


def buy(ticket_type: TicketType, quantity: int, now, *, capture=None) -> Order:
    """Hold, check out and pay ``quantity`` tickets for a new buyer."""
    buyer = UserFactory()
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, quantity)], now=now)
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=["A"] * quantity, now=now)
    order_mark_paid(order_id=order.pk, now=now)
    return order


# --- the hold fixes the price --------------------------------------------------------------------------------


def test_a_hold_made_before_a_price_step_keeps_its_price_through_checkout_and_payment():
    ticket_type = dynamic_type()
    now = timezone.now()
    early_buyer = UserFactory(name="Early Bird")
    early_hold = hold_create(
        buyer=early_buyer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 2)], now=now
    )
    buy(ticket_type, 5, now)  # 5 of 10 sold: the +10 % step is now in force
    ticket_type.refresh_from_db()
    assert unit_price(ticket_type=ticket_type, now=now) == Decimal("44.00")

    order = order_checkout(hold=early_hold, buyer=early_buyer, attendee_names=["A", "B"], now=now)
    order_mark_paid(order_id=order.pk, now=now)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.total == Decimal("80.00")
    assert [line.unit_price for line in order.lines.all()] == [Decimal("40.00")]
    assert {ticket.price for ticket in order.tickets.all()} == {Decimal("40.00")}


def test_a_hold_after_the_step_pays_the_new_price():
    ticket_type = dynamic_type(sold=5)

    hold = hold_create(
        buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now()
    )

    assert hold.total == Decimal("44.00") and hold.lines.get().unit_price == Decimal("44.00")


def test_a_ticket_type_without_dynamic_pricing_ignores_stored_rules():
    ticket_type = TicketTypeFactory(price=Decimal("25.00"), sold=90, pricing_rules=STEP_AT_HALF)

    assert unit_price(ticket_type=ticket_type, now=timezone.now()) == Decimal("25.00")


# --- price history -------------------------------------------------------------------------------------------


def test_price_history_records_a_change_once_not_once_per_hold(django_capture_on_commit_callbacks):
    ticket_type = dynamic_type(capacity=20, current_price=Decimal("40.00"))
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        buy(ticket_type, 10, now)  # 50 % sold
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            hold_create(buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=now)

    change = PriceChange.objects.get()
    assert (change.previous_price, change.price, change.reason) == (
        Decimal("40.00"), Decimal("44.00"), "+10% from 50% sold",
    )  # fmt: skip
    ticket_type.refresh_from_db()
    assert ticket_type.current_price == Decimal("44.00")


def test_a_hold_at_an_unchanged_price_schedules_no_recording(django_capture_on_commit_callbacks):
    ticket_type = dynamic_type(current_price=Decimal("40.00"))

    with django_capture_on_commit_callbacks() as callbacks:
        hold_create(
            buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now()
        )

    assert callbacks == [] and not PriceChange.objects.exists()


def test_recording_the_same_price_twice_writes_one_change():
    ticket_type = dynamic_type(current_price=Decimal("40.00"))
    now = timezone.now()

    first = ticket_type_price_record(ticket_type_id=ticket_type.pk, price=Decimal("44.00"), reason="step", now=now)
    second = ticket_type_price_record(ticket_type_id=ticket_type.pk, price=Decimal("44.00"), reason="step", now=now)

    assert (first, second) == (True, False)
    assert PriceChange.objects.count() == 1


def test_the_beat_task_records_the_end_of_the_early_bird_price_once():
    event = EventFactory(starts_at=timezone.now() + timedelta(days=30))
    until = timezone.now() + timedelta(days=1)
    early_bird = [{"kind": "early_bird", "until": until.isoformat(), "adjust": "percent", "value": "-25"}]
    ticket_type = dynamic_type(event=event, pricing_rules=early_bird, current_price=Decimal("30.00"))

    before = dynamic_prices_record_due(now=until - timedelta(minutes=1))
    after = dynamic_prices_record_due(now=until + timedelta(minutes=1))
    again = dynamic_prices_record_due(now=until + timedelta(minutes=2))

    assert (before, after, again) == (0, 1, 0)
    change = PriceChange.objects.get(ticket_type=ticket_type)
    assert (change.previous_price, change.price, change.reason) == (Decimal("30.00"), Decimal("40.00"), "Base price")


def test_the_beat_task_skips_drafts_and_ended_events():
    now = timezone.now()
    rules = [{"kind": "last_minute", "threshold": 24 * 30, "adjust": "percent", "value": "50"}]
    dynamic_type(event=EventFactory(draft=True), pricing_rules=rules)
    ended = EventFactory(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    dynamic_type(event=ended, pricing_rules=rules)

    assert dynamic_prices_record_due(now=now) == 0


def test_the_beat_task_runs_through_celery_and_is_scheduled():
    dynamic_type(pricing_rules=[{"kind": "last_minute", "threshold": 24 * 30, "adjust": "percent", "value": "50"}])

    recorded = record_dynamic_prices.delay().get()

    assert recorded == 1 and PriceChange.objects.get().price == Decimal("60.00")
    schedule = celery_app.conf.beat_schedule["events-record-dynamic-prices"]
    assert schedule["task"] == "events.tasks.record_dynamic_prices"


# --- demand: recent sales in one query -----------------------------------------------------------------------


def test_demand_counts_tickets_paid_in_the_last_hour_for_all_types_in_one_query(django_assert_num_queries):
    event = EventFactory()
    demand = [{"kind": "demand", "threshold": 3, "adjust": "percent", "value": "20"}]
    hot, calm = (dynamic_type(event=event, pricing_rules=demand, capacity=50) for _ in range(2))
    now = timezone.now()
    buy(hot, 2, now - timedelta(minutes=90))  # too long ago
    buy(hot, 3, now - timedelta(minutes=30))
    buy(calm, 2, now - timedelta(minutes=10))
    hot.refresh_from_db()
    calm.refresh_from_db()

    with django_assert_num_queries(1):
        quotes = ticket_type_quotes(ticket_types=[hot, calm], now=now, starts_at=event.starts_at)

    assert (quotes[hot.pk].price, quotes[calm.pk].price) == (Decimal("48.00"), Decimal("40.00"))


def test_quotes_without_demand_rules_need_no_query(django_assert_num_queries):
    ticket_type = dynamic_type()

    with django_assert_num_queries(0):
        ticket_type_quotes(ticket_types=[ticket_type], now=timezone.now(), starts_at=ticket_type.event.starts_at)


# --- the organizer's services --------------------------------------------------------------------------------


def test_creating_a_dynamic_ticket_type_records_its_first_price():
    event = EventFactory()
    data = {
        "name": "Flex", "price": Decimal("40.00"), "capacity": 100, "dynamic_pricing": True,
        "price_floor": Decimal("30.00"), "price_ceiling": Decimal("60.00"),
        "pricing_rules": [{"kind": "sell_through", "threshold": "50", "adjust": "percent", "value": 10}],
    }  # fmt: skip

    ticket_type = ticket_type_create(event=event, actor=event.organizer, data=data, now=timezone.now())

    assert ticket_type.pricing_rules == STEP_AT_HALF
    change = PriceChange.objects.get()
    assert (change.previous_price, change.price) == (None, Decimal("40.00"))
    assert change.reason == "Dynamic pricing set up by the organizer — Base price"
    assert TicketType.objects.get().current_price == Decimal("40.00")


def test_changing_the_rules_records_the_new_price_and_turning_off_returns_to_the_base_price():
    ticket_type = dynamic_type(sold=6, current_price=Decimal("44.00"))
    organizer = ticket_type.event.organizer
    steeper = [{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "25"}]

    ticket_type_update(ticket_type=ticket_type, actor=organizer, data={"pricing_rules": steeper}, now=timezone.now())
    ticket_type_update(ticket_type=ticket_type, actor=organizer, data={"dynamic_pricing": False}, now=timezone.now())

    prices = list(PriceChange.objects.order_by("id").values_list("previous_price", "price", "reason"))
    assert prices == [
        (Decimal("44.00"), Decimal("50.00"), "Pricing changed by the organizer — +25% from 50% sold"),
        (Decimal("50.00"), Decimal("40.00"), "Dynamic pricing turned off"),
    ]


def test_a_fixed_price_ticket_type_has_no_history():
    event = EventFactory()

    ticket_type = ticket_type_create(
        event=event, actor=event.organizer, data={"name": "Plain", "price": Decimal("19.99"), "capacity": 5},
        now=timezone.now(),
    )  # fmt: skip
    ticket_type_update(
        ticket_type=ticket_type, actor=event.organizer, data={"price": Decimal("21.99")}, now=timezone.now()
    )

    assert not PriceChange.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"price_floor": Decimal("45.00")}, "price_floor"),
        ({"price_ceiling": None}, "price_ceiling"),
        ({"price": Decimal("39.99")}, "price"),
        ({"pricing_rules": [{"kind": "sell_through", "threshold": 500, "adjust": "percent", "value": "10"}]},
         "pricing_rules"),
    ],
)  # fmt: skip
def test_the_service_refuses_inconsistent_dynamic_pricing(data, field):
    ticket_type = dynamic_type()

    with pytest.raises(ValidationError) as refused:
        ticket_type_update(ticket_type=ticket_type, actor=ticket_type.event.organizer, data=data, now=timezone.now())

    assert field in refused.value.message_dict
    ticket_type.refresh_from_db()
    assert (ticket_type.price, ticket_type.price_floor, ticket_type.pricing_rules) == (
        Decimal("40.00"), Decimal("30.00"), STEP_AT_HALF,
    )  # fmt: skip
