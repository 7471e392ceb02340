"""The refund policy as a pure function: every tier boundary, the fee, no tiers, a started event."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tickets.refund_policy import ScheduleRow, refund_basis, refund_quote, refund_schedule, refund_tiers

STARTS = datetime(2026, 9, 12, 18, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
POLICY = [{"hours_before": 168, "percent": 100}, {"hours_before": 48, "percent": 50}]  # none after 48 h


def quote(now, *, policy=POLICY, fee="0", amount="40.00"):
    return refund_quote(policy_tiers=policy, fee=Decimal(fee), amount=Decimal(amount), starts_at=STARTS, now=now)


@pytest.mark.parametrize(
    ("now", "percent", "refund"),
    [
        (STARTS - timedelta(days=30), 100, "40.00"),
        (STARTS - timedelta(hours=168) - SECOND, 100, "40.00"),
        (STARTS - timedelta(hours=168), 100, "40.00"),  # exactly at the deadline: still the tier
        (STARTS - timedelta(hours=168) + SECOND, 50, "20.00"),
        (STARTS - timedelta(hours=48) - SECOND, 50, "20.00"),
        (STARTS - timedelta(hours=48), 50, "20.00"),
        (STARTS - timedelta(hours=48) + SECOND, 0, "0.00"),
        (STARTS - SECOND, 0, "0.00"),
    ],
)
def test_the_quote_follows_the_tiers_at_every_boundary(now, percent, refund):
    result = quote(now)

    assert (result.percent, result.refund_amount) == (percent, Decimal(refund))


def test_the_quote_names_the_deadline_of_its_tier():
    result = quote(STARTS - timedelta(days=3))

    assert result.deadline == STARTS - timedelta(hours=48)
    assert result.cancellable and "50" in result.description and "48" in result.description


def test_after_the_last_tier_nothing_can_be_cancelled():
    result = quote(STARTS - timedelta(hours=48) + SECOND)

    assert not result.cancellable and result.deadline is None and result.refund_amount == 0


@pytest.mark.parametrize("now", [STARTS, STARTS + SECOND, STARTS + timedelta(days=1)])
def test_once_the_event_has_started_nothing_is_refunded_even_with_a_zero_hour_tier(now):
    result = quote(now, policy=[{"hours_before": 0, "percent": 100}])

    assert (result.cancellable, result.refund_amount) == (False, Decimal("0.00"))


def test_a_zero_hour_tier_lasts_until_one_second_before_the_start():
    result = quote(STARTS - SECOND, policy=[{"hours_before": 0, "percent": 100}])

    assert (result.percent, result.refund_amount, result.deadline) == (100, Decimal("40.00"), STARTS)


@pytest.mark.parametrize("policy", [[], None, [{"hours_before": "x", "percent": 50}], [{"percent": 50}]])
def test_without_tiers_the_event_is_not_refundable(policy):
    result = quote(STARTS - timedelta(days=30), policy=policy)

    assert not result.cancellable and result.refund_amount == 0
    assert result.description == "This event does not offer refunds."


def test_the_fee_is_kept_once_from_the_refund():
    result = quote(STARTS - timedelta(days=30), fee="2.50")

    assert (result.fee, result.refund_amount, result.amount) == (Decimal("2.50"), Decimal("37.50"), Decimal("40.00"))


@pytest.mark.parametrize(("fee", "amount"), [("50.00", "40.00"), ("40.00", "40.00"), ("25.00", "40.00")])
def test_the_fee_never_makes_the_refund_negative(fee, amount):
    result = quote(STARTS - timedelta(days=3), fee=fee, amount=amount)  # 50 %: 20.00 before the fee

    assert result.refund_amount == max(Decimal("0.00"), Decimal("20.00") - Decimal(fee))
    assert result.fee == min(Decimal(fee), Decimal("20.00"))


def test_no_fee_is_kept_when_nothing_is_refunded():
    result = quote(STARTS - timedelta(days=30), policy=[{"hours_before": 24, "percent": 0}], fee="3.00")

    assert result.cancellable and (result.percent, result.fee, result.refund_amount) == (0, 0, 0)


def test_percentages_are_rounded_half_up_to_cents():
    result = quote(STARTS - timedelta(days=30), policy=[{"hours_before": 1, "percent": 33}], amount="10.05")

    assert result.refund_amount == Decimal("3.32")  # 3.3165


def test_of_several_tiers_in_force_the_best_for_the_buyer_applies():
    policy = [{"hours_before": 168, "percent": 50}, {"hours_before": 48, "percent": 80}]

    result = quote(STARTS - timedelta(days=10), policy=policy)

    assert (result.percent, result.deadline) == (80, STARTS - timedelta(hours=48))


def test_tiers_are_read_longest_notice_first_whatever_their_stored_order():
    tiers = refund_tiers([{"hours_before": 48, "percent": 50}, {"hours_before": 168, "percent": 100}])

    assert [(tier.hours_before, tier.percent) for tier in tiers] == [(168, 100), (48, 50)]


def test_the_schedule_lists_each_step_until_its_deadline():
    schedule = refund_schedule(policy_tiers=POLICY, starts_at=STARTS)

    assert schedule == [
        ScheduleRow(100, STARTS - timedelta(hours=168)),
        ScheduleRow(50, STARTS - timedelta(hours=48)),
    ]


def test_the_schedule_merges_steps_with_the_same_percentage():
    policy = [{"hours_before": 168, "percent": 50}, {"hours_before": 48, "percent": 80}]

    assert refund_schedule(policy_tiers=policy, starts_at=STARTS) == [ScheduleRow(80, STARTS - timedelta(hours=48))]


def test_the_paid_shares_of_all_tickets_add_up_to_the_total_cent_for_cent():
    total, prices = Decimal("10.00"), Decimal("3.00")  # three tickets of 1.00, 10.00 paid: 3.33 each
    shares, gone = [], Decimal("0")
    for _ in range(3):
        shares.append(refund_basis(total=total, prices_total=prices, gone_before=gone, selected=Decimal("1.00")))
        gone += Decimal("1.00")

    assert shares == [Decimal("3.33"), Decimal("3.34"), Decimal("3.33")]
    assert sum(shares) == total


def test_the_share_of_a_ticket_is_its_price_when_the_prices_add_up_to_the_total():
    assert refund_basis(
        total=Decimal("45.00"), prices_total=Decimal("45.00"), gone_before=Decimal("0"), selected=Decimal("20.00")
    ) == Decimal("20.00")


def test_a_free_order_has_nothing_to_share():
    assert refund_basis(total=Decimal("0"), prices_total=Decimal("0"), gone_before=0, selected=Decimal("0")) == 0
