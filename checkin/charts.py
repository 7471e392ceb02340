"""Geometry of the server-rendered SVG bar chart (the page's CSP allows no inline styles, so no JS chart)."""

from dataclasses import dataclass
from datetime import datetime

from core.charts import nice_ceiling

__all__ = ["CHART_HEIGHT", "CHART_WIDTH", "Bar", "bar_chart", "nice_ceiling"]

CHART_WIDTH = 600
CHART_HEIGHT = 120
BAR_GAP = 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    minute: datetime
    count: int
    is_latest: bool


def bar_chart(series: list[tuple[datetime, int]]) -> dict:
    """Bars for ``series`` (minute, count), oldest left, in a CHART_WIDTH × CHART_HEIGHT view box."""
    peak = max((count for _, count in series), default=0)
    top = nice_ceiling(peak)
    slot = CHART_WIDTH / max(len(series), 1)
    bars = []
    for index, (minute, count) in enumerate(series):
        height = round(CHART_HEIGHT * count / top, 2)
        bars.append(
            Bar(
                x=round(index * slot + BAR_GAP / 2, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(slot - BAR_GAP, 2),
                height=height,
                minute=minute,
                count=count,
                is_latest=index == len(series) - 1,
            )
        )
    busiest = max(series, key=lambda point: point[1], default=None)
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "middle": CHART_HEIGHT / 2,
        "top": top,
        "half": top // 2,
        "total": sum(count for _, count in series),
        "peak": peak,
        "peak_minute": busiest[0] if busiest and peak else None,
    }
