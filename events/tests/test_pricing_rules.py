"""Dynamic pricing as pure functions: rules, validation, rounding and ``price_quote`` (no database)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from events.pricing.rules import (
    AMOUNT,
    DEMAND,
    EARLY_BIRD,
    LAST_MINUTE,
    MAX_RULES,
    PERCENT,
    SELL_THROUGH,
    PricingRule,
    check_dynamic_pricing,
    parse_rules,
    price_quote,
    round_price,
    rules_to_json,
)
from events.pricing.text import quote_reason, step_text

START = datetime(2031, 6, 12, 18, 0, tzinfo=UTC)
NOW = START - timedelta(days=20)


def rule(kind=SELL_THROUGH, value="10", adjust=PERCENT, threshold=50, until=None) -> PricingRule:
    return PricingRule(kind=kind, adjust=adjust, value=Decimal(value), threshold=threshold, until=until)


def quote(rules, *, base="40", floor="20", ceiling="80", sold=0, capacity=100, now=NOW, sales_last_hour=0):
    return price_quote(
        rules=rules, base=Decimal(base), floor=Decimal(floor), ceiling=Decimal(ceiling), sold=sold,
        capacity=capacity, starts_at=START, now=now, sales_last_hour=sales_last_hour,
    )  # fmt: skip


# --- rounding ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [("0.20", "0.00"), ("0.25", "0.50"), ("12.74", "12.50"), ("12.75", "13.00"), ("19.74", "19.50"),
     ("19.80", "20.00"), ("20.49", "20.00"), ("20.50", "21.00"), ("54.99", "55.00"), ("1234.5", "1235.00")],
)  # fmt: skip
def test_prices_round_to_half_units_below_20_and_whole_units_from_20(raw, rounded):
    assert round_price(Decimal(raw)) == Decimal(rounded)


money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
round_money = money.map(round_price)


@given(money)
def test_rounding_is_idempotent(value):
    assert round_price(round_price(value)) == round_price(value)


@given(money, money)
def test_rounding_keeps_the_order_of_prices(a, b):
    low, high = sorted((a, b))

    assert round_price(low) <= round_price(high)


# --- properties of price_quote -------------------------------------------------------------------------------

rules_strategy = st.lists(
    st.one_of(
        st.builds(
            rule,
            kind=st.sampled_from([SELL_THROUGH, LAST_MINUTE, DEMAND]),
            value=st.decimals(min_value=-90, max_value=500, places=2).filter(bool).map(str),
            adjust=st.sampled_from([PERCENT, AMOUNT]),
            threshold=st.integers(min_value=1, max_value=100),
        ),
        st.builds(
            rule,
            kind=st.just(EARLY_BIRD),
            value=st.decimals(min_value=-90, max_value=90, places=2).filter(bool).map(str),
            until=st.integers(min_value=-40, max_value=0).map(lambda days: START + timedelta(days=days)),
        ),
    ),
    max_size=MAX_RULES,
)


@st.composite
def limits(draw):
    """A round base price with round floor and ceiling around it (what check_dynamic_pricing allows)."""
    base = draw(round_money)
    share = st.decimals(min_value=0, max_value=1, places=2)
    floor = round_price(base * draw(share))
    ceiling = round_price(base * (1 + 3 * draw(share)))
    return base, floor, ceiling


@settings(max_examples=200, deadline=None)
@given(
    rules=rules_strategy,
    bounds=limits(),
    capacity=st.integers(min_value=0, max_value=5000),
    sold_share=st.floats(min_value=0, max_value=1),
    days_before=st.integers(min_value=-1, max_value=60),
    sales_last_hour=st.integers(min_value=0, max_value=500),
)
def test_the_price_always_stays_within_floor_and_ceiling_and_is_round(
    rules, bounds, capacity, sold_share, days_before, sales_last_hour
):
    base, floor, ceiling = bounds
    sold = int(capacity * sold_share)

    result = price_quote(
        rules=rules, base=base, floor=floor, ceiling=ceiling, sold=sold, capacity=capacity, starts_at=START,
        now=START - timedelta(days=days_before), sales_last_hour=sales_last_hour,
    )  # fmt: skip

    assert floor <= result.price <= ceiling
    assert round_price(result.price) == result.price
    for step in result.steps:
        assert floor <= step.price <= ceiling and step.price != result.price


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.integers(1, 100), st.decimals(min_value="0.01", max_value=200, places=2)), min_size=1, max_size=5
    ),
    others=rules_strategy.map(lambda rules: [r for r in rules if r.kind != SELL_THROUGH]),
    bounds=limits(),
    capacity=st.integers(min_value=1, max_value=2000),
    adjust=st.sampled_from([PERCENT, AMOUNT]),
    sales_last_hour=st.integers(min_value=0, max_value=100),
)
def test_the_price_never_drops_as_tickets_sell_when_every_sell_through_step_is_an_increase(
    steps, others, bounds, capacity, adjust, sales_last_hour
):
    base, floor, ceiling = bounds
    unique = dict(steps)
    rules = [rule(threshold=t, value=str(v), adjust=adjust) for t, v in unique.items()] + others
    marks = sorted(
        {0, capacity}
        | {(t * capacity + 99) // 100 for t in unique}
        | {max(0, (t * capacity) // 100 - 1) for t in unique}
    )

    prices = [
        price_quote(
            rules=rules, base=base, floor=floor, ceiling=ceiling, sold=sold, capacity=capacity, starts_at=START,
            now=NOW, sales_last_hour=sales_last_hour,
        ).price
        for sold in marks
    ]  # fmt: skip

    assert prices == sorted(prices)


# --- what the rules do ---------------------------------------------------------------------------------------


def test_with_no_rule_in_force_the_price_is_the_base_price():
    assert quote([rule(threshold=50)], base="39.99", floor="39.99", sold=10).price == Decimal("39.99")


def test_a_sell_through_step_applies_from_its_threshold():
    rules = [rule(threshold=50, value="10")]

    assert quote(rules, sold=49).price == Decimal("40.00")
    assert quote(rules, sold=50).price == Decimal("44.00")


def test_percentages_are_of_the_base_price_and_add_up_and_amounts_add():
    rules = [
        rule(threshold=10, value="10"),
        rule(threshold=20, value="5"),
        rule(threshold=30, value="2", adjust=AMOUNT),
    ]

    assert quote(rules, sold=30).price == Decimal("48.00")  # 40 + 15 % + 2


def test_the_price_is_clamped_to_the_ceiling_and_the_floor():
    assert quote([rule(threshold=1, value="500")], sold=5, ceiling="60").price == Decimal("60.00")
    assert quote([rule(kind=LAST_MINUTE, threshold=48, value="-90")], now=START - timedelta(hours=1)).price == Decimal(
        "20.00"
    )


def test_early_bird_applies_until_its_end_and_last_minute_in_the_final_hours():
    rules = [
        rule(kind=EARLY_BIRD, until=START - timedelta(days=10), value="-25", threshold=None),
        rule(kind=LAST_MINUTE, threshold=24, value="20"),
    ]

    assert quote(rules, now=START - timedelta(days=11)).price == Decimal("30.00")
    assert quote(rules, now=START - timedelta(days=10)).price == Decimal("40.00")
    assert quote(rules, now=START - timedelta(hours=24)).price == Decimal("48.00")


def test_a_demand_rule_applies_when_enough_sold_in_the_last_hour():
    rules = [rule(kind=DEMAND, threshold=20, value="15")]

    assert quote(rules, sales_last_hour=19).price == Decimal("40.00")
    assert quote(rules, sales_last_hour=20).price == Decimal("46.00")


def test_the_next_change_says_how_many_more_tickets_until_the_price_rises():
    result = quote([rule(threshold=50, value="10"), rule(threshold=80, value="25")], sold=38)

    step = result.next_change
    assert (step.price, step.after_tickets, step.rises) == (Decimal("44.00"), 12, True)
    assert step_text(step, currency="EUR", tz=UTC) == "Price rises to €44.00 after 12 more tickets"


def test_a_step_the_ceiling_swallows_is_skipped_for_the_next_real_change():
    result = quote([rule(threshold=50, value="10"), rule(threshold=60, value="5")], sold=50, ceiling="44")

    assert result.price == Decimal("44.00") and result.next_change is None


def test_the_next_change_by_time_names_the_end_of_the_early_bird_price():
    until = datetime(2031, 6, 1, 0, 0, tzinfo=UTC)
    result = quote([rule(kind=EARLY_BIRD, until=until, value="-10", threshold=None)])

    step = result.next_change
    assert (result.price, step.price, step.at, step.after_tickets) == (Decimal("36.00"), Decimal("40.00"), until, None)
    assert step_text(step, currency="EUR", tz=UTC) == "Early-bird price until 1 Jun 2031, 00:00, then €40.00"


def test_the_reason_lists_the_rules_in_force():
    result = quote([rule(threshold=50, value="10"), rule(kind=DEMAND, threshold=5, value="2", adjust=AMOUNT)], sold=60,
                   sales_last_hour=9)  # fmt: skip

    assert quote_reason(result, currency="EUR", tz=UTC) == (
        "+10% from 50% sold; +€2.00 when 5 tickets sold in the last hour"
    )
    assert quote_reason(quote([]), currency="EUR", tz=UTC) == "Base price"


# --- validation ----------------------------------------------------------------------------------------------


def test_rules_round_trip_through_their_stored_form():
    rules = parse_rules(
        [
            {"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10"},
            {"kind": "early_bird", "until": "2031-06-01T00:00:00+02:00", "adjust": "amount", "value": -5},
            {"kind": "last_minute", "threshold": "48", "adjust": "percent", "value": "12.5"},
            {"kind": "demand", "threshold": 20, "adjust": "percent", "value": 5},
        ]
    )

    assert parse_rules(rules_to_json(rules)) == rules
    assert rules_to_json(rules)[1] == {
        "kind": "early_bird", "adjust": "amount", "value": "-5.00", "until": "2031-06-01T00:00:00+02:00",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("50%", "must be a list"),
        ([{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10"}] * 11, "At most 10"),
        (["x"], "Rule 1: Each rule must be an object."),
        ([{"kind": "weather", "adjust": "percent", "value": "10"}], "Rule 1: Choose one of"),
        ([{"kind": "sell_through", "threshold": 0, "adjust": "percent", "value": "10"}], "from 1 to 100"),
        ([{"kind": "sell_through", "threshold": 101, "adjust": "percent", "value": "10"}], "from 1 to 100"),
        ([{"kind": "sell_through", "threshold": 2.5, "adjust": "percent", "value": "10"}], "whole number"),
        ([{"kind": "last_minute", "adjust": "percent", "value": "10"}], "hours before the start"),
        ([{"kind": "demand", "threshold": True, "adjust": "percent", "value": "10"}], "tickets sold in an hour"),
        ([{"kind": "early_bird", "adjust": "percent", "value": "-10"}], "with a time zone"),
        ([{"kind": "early_bird", "until": "2031-06-01T00:00", "adjust": "percent", "value": "-10"}], "time zone"),
        ([{"kind": "early_bird", "until": "soon", "adjust": "percent", "value": "-10"}], "time zone"),
        ([{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "0"}], "A change of 0"),
        ([{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "ten"}], "as a number"),
        ([{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "NaN"}], "as a number"),
        ([{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "-95"}], "between -90 and 500"),
        ([{"kind": "sell_through", "threshold": 50, "adjust": "amount", "value": "200000"}], "An amount must be"),
        ([{"kind": "sell_through", "threshold": 50, "adjust": "amount", "value": "1.005"}], "two decimal places"),
        ([{"kind": "sell_through", "threshold": 50, "adjust": "fee", "value": "1"}], "“percent” or “amount”"),
        ([{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "1", "colour": "red"}], "Unknown"),
        (
            [{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10"},
             {"kind": "sell_through", "threshold": 50, "adjust": "amount", "value": "3"}],
            "Rule 2: another rule has the same condition",
        ),
    ],
)  # fmt: skip
def test_invalid_rules_are_refused_with_a_message_naming_the_rule(rules, message):
    with pytest.raises(ValidationError) as refused:
        parse_rules(rules)

    assert message in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("settings_", "field", "message"),
    [
        ({"floor": None}, "price_floor", "Required with dynamic pricing."),
        ({"ceiling": None}, "price_ceiling", "Required with dynamic pricing."),
        ({"floor": "45"}, "price_floor", "cannot be above the base price"),
        ({"ceiling": "35"}, "price_ceiling", "cannot be below the base price"),
        ({"price": "39.99"}, "price", "use a round price"),
        ({"floor": "12.30"}, "price_floor", "use a round price"),
        ({"ceiling": "-1"}, "price_ceiling", "cannot be negative"),
    ],
)
def test_dynamic_pricing_needs_round_limits_around_the_base_price(settings_, field, message):
    values = {"price": "40", "floor": "30", "ceiling": "60", **settings_}
    as_decimal = {key: Decimal(value) if value is not None else None for key, value in values.items()}

    errors = check_dynamic_pricing(**as_decimal, rules=[], starts_at=START)

    assert message in " ".join(errors[field])


def test_an_early_bird_price_must_end_before_the_event_starts():
    late = rule(kind=EARLY_BIRD, until=START + timedelta(hours=1), value="-10", threshold=None)

    errors = check_dynamic_pricing(
        price=Decimal("40"), floor=Decimal("30"), ceiling=Decimal("60"), rules=[late], starts_at=START
    )

    assert errors == {"pricing_rules": ["Rule 1: the early-bird price must end before the event starts."]}
