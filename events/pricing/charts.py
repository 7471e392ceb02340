"""The organizer's pictures of a dynamic price: the curve by tickets sold and by time (the live preview while
editing the rules), and the price history. Pure: the geometry comes from ``core.charts.step_chart``."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from core.charts import nice_range, step_chart
from events.pricing.rules import EARLY_BIRD, LAST_MINUTE, SELL_THROUGH, PricingRule, price_quote

TIME_WINDOW = timedelta(days=30)
LONGEST_WINDOW = timedelta(days=365)


def _pieces(points: list[tuple[float, Decimal]], end: float) -> list[tuple[float, float, Decimal]]:
    """(x, value) where the value changes, in order → touching (start, end, value) pieces up to ``end``."""
    merged: list[tuple[float, Decimal]] = []
    for x, value in points:
        if merged and merged[-1][1] == value:
            continue
        if merged and merged[-1][0] == x:
            merged[-1] = (x, value)
            continue
        merged.append((x, value))
    return [(x, (merged[i + 1][0] if i + 1 < len(merged) else end), value) for i, (x, value) in enumerate(merged)]


def curve_by_sold(
    *,
    rules: Sequence[PricingRule],
    base: Decimal,
    floor: Decimal | None,
    ceiling: Decimal | None,
    capacity: int,
    starts_at: datetime,
    now: datetime,
) -> list[tuple[float, float, Decimal]]:
    """The price at ``now`` from 0 tickets sold to ``capacity``: (from sold, to sold, price) pieces."""
    capacity = max(capacity, 1)
    marks = {0} | {
        (rule.threshold * capacity + 99) // 100 for rule in rules if rule.kind == SELL_THROUGH and rule.threshold
    }
    points = []
    for sold in sorted(mark for mark in marks if mark <= capacity):
        quote = price_quote(
            rules=rules, base=base, floor=floor, ceiling=ceiling, sold=sold, capacity=capacity,
            starts_at=starts_at, now=now,
        )  # fmt: skip
        points.append((float(sold), quote.price))
    return _pieces(points, float(capacity))


def time_window(*, rules: Sequence[PricingRule], starts_at: datetime, now: datetime) -> tuple[datetime, datetime]:
    """From 30 days before the start (earlier when now or an early-bird end is earlier; at most a year) to it."""
    begin = min(starts_at - TIME_WINDOW, now)
    for rule in rules:
        if rule.kind == EARLY_BIRD:
            begin = min(begin, rule.until - timedelta(days=3))
    return max(begin, starts_at - LONGEST_WINDOW), starts_at


def curve_by_time(
    *,
    rules: Sequence[PricingRule],
    base: Decimal,
    floor: Decimal | None,
    ceiling: Decimal | None,
    sold: int,
    capacity: int,
    starts_at: datetime,
    now: datetime,
) -> list[tuple[float, float, Decimal]]:
    """The price with ``sold`` tickets sold over ``time_window``: (from, to, price) pieces in POSIX seconds."""
    begin, end = time_window(rules=rules, starts_at=starts_at, now=now)
    moments = {begin}
    for rule in rules:
        if rule.kind == EARLY_BIRD:
            moments.add(rule.until)
        elif rule.kind == LAST_MINUTE:
            moments.add(starts_at - timedelta(hours=rule.threshold))
    points = []
    for moment in sorted(moment for moment in moments if begin <= moment < end):
        quote = price_quote(
            rules=rules, base=base, floor=floor, ceiling=ceiling, sold=sold, capacity=capacity,
            starts_at=starts_at, now=moment,
        )  # fmt: skip
        points.append((moment.timestamp(), quote.price))
    return _pieces(points, end.timestamp())


def pricing_preview(
    *,
    rules: Sequence[PricingRule],
    base: Decimal,
    floor: Decimal | None,
    ceiling: Decimal | None,
    sold: int,
    capacity: int,
    starts_at: datetime,
    now: datetime,
) -> dict:
    """Both curves as charts, with the limits as guide lines. Demand rules are left out (they follow sales)."""
    state = {"rules": rules, "base": base, "floor": floor, "ceiling": ceiling, "capacity": capacity}
    guides = [value for value in (floor, ceiling) if value is not None]
    top_value = max([base, *guides])
    by_sold = curve_by_sold(**state, starts_at=starts_at, now=now)
    by_time = curve_by_time(**state, sold=sold, starts_at=starts_at, now=now)
    prices = [piece[2] for piece in by_sold + by_time]
    bottom, top = nice_range(float(min([*guides, *prices])), float(max([top_value, *prices])))
    begin, _end = time_window(rules=rules, starts_at=starts_at, now=now)
    time_chart = step_chart(by_time, guides=guides, top=top, bottom=bottom)
    time_chart["labelled"] = [
        {
            "step": piece,
            "from": datetime.fromtimestamp(piece.start, tz=starts_at.tzinfo),
            "to": datetime.fromtimestamp(piece.end, tz=starts_at.tzinfo),
        }
        for piece in time_chart["steps"]
    ]
    return {
        "by_sold": step_chart(by_sold, guides=guides, top=top, bottom=bottom),
        "by_time": time_chart,
        "capacity": capacity,
        "sold": sold,
        "time_from": begin,
        "time_to": starts_at,
        "now_x": _now_x(now, begin, starts_at, time_chart["width"]),
        "lowest": min(prices),
        "highest": max(prices),
    }


def _now_x(now: datetime, begin: datetime, end: datetime, width: int) -> float | None:
    if not begin <= now <= end:
        return None
    return round((now - begin) / (end - begin) * width, 2)


def price_history_chart(changes: Sequence[tuple[datetime, Decimal]], *, now: datetime) -> dict | None:
    """The recorded prices, oldest first ((at, price) pairs), as a step line up to ``now``; None without any."""
    if not changes:
        return None
    points = [(at.timestamp(), price) for at, price in changes]
    end = max(now.timestamp(), points[-1][0] + 1)
    prices = [float(price) for _at, price in changes]
    bottom, top = nice_range(min(prices), max(prices))
    chart = step_chart(_pieces(points, end), top=top, bottom=bottom)
    chart["first_at"], chart["last_at"] = changes[0][0], now
    return chart
