"""The server-drawn bar chart's geometry."""

from datetime import UTC, datetime, timedelta

import pytest

from checkin.charts import CHART_HEIGHT, CHART_WIDTH, bar_chart, nice_ceiling


@pytest.mark.parametrize(("peak", "top"), [(0, 2), (1, 2), (3, 4), (5, 6), (9, 10), (11, 20), (45, 60), (101, 200)])
def test_the_axis_top_is_an_even_round_number_at_or_above_the_peak(peak, top):
    assert nice_ceiling(peak) == top


def test_bars_fill_the_view_box_oldest_left_and_scale_to_the_top():
    start = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)
    series = [(start + timedelta(minutes=i), count) for i, count in enumerate([0] * 58 + [3, 6])]

    chart = bar_chart(series)

    bars = chart["bars"]
    assert len(bars) == 60 and chart["top"] == 6 and chart["half"] == 3 and chart["total"] == 9
    assert bars[-1].height == CHART_HEIGHT and bars[-1].y == 0 and bars[-1].is_latest
    assert bars[-2].height == CHART_HEIGHT / 2
    assert bars[-1].x + bars[-1].width <= CHART_WIDTH and bars[0].x >= 0
    assert chart["peak_minute"] == series[-1][0]


def test_an_empty_hour_draws_no_bars():
    chart = bar_chart([(datetime(2026, 5, 1, tzinfo=UTC), 0)])

    assert chart["peak"] == 0 and chart["peak_minute"] is None and chart["bars"][0].height == 0
