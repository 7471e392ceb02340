"""Geometry for the server-drawn SVG charts (strict CSP: no inline styles, so no JavaScript chart library).

Templates draw what these functions compute in a fixed view box: ``checkin.charts.bar_chart`` (check-ins per
minute) and ``step_chart`` (a value that holds until it jumps, such as a price).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


def nice_range(low: float, high: float) -> tuple[float, float]:
    """Round axis ends around ``low``…``high`` with some room above and below (never below 0), on a 1/2/5 × 10ⁿ
    grid, so a small step between large values is still visible."""
    span = (high - low) or (abs(high) * 0.2) or 1
    magnitude = 10 ** math.floor(math.log10(span / 4))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= span / 4)
    bottom = max(0.0, math.floor((low - span * 0.15) / step) * step)
    top = math.ceil((high + span * 0.15) / step) * step
    return bottom, top


def nice_ceiling(value: float) -> int:
    """The smallest 2, 4, 6, 8 or 10 × 10ⁿ at or above ``value`` (at least 2): an even top, so the middle
    grid line is a whole number too."""
    if value <= 2:
        return 2
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 6, 8, 10):
        if step * magnitude >= value and (step * magnitude) % 2 == 0:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


@dataclass(frozen=True)
class Step:
    """One flat piece of a step chart: ``value`` from ``start`` to ``end`` (data units), drawn from x0 to x1 at y."""

    start: float
    end: float
    value: Decimal
    x0: float
    x1: float
    y: float


def step_chart(
    steps: Sequence[tuple[float, float, Decimal]],
    *,
    width: int = 600,
    height: int = 160,
    top: float | None = None,
    bottom: float = 0,
    guides: Sequence[Decimal] = (),
) -> dict:
    """A step line through ``steps`` — (start, end, value), in order, touching — scaled into width × height.

    The y axis runs from ``bottom`` to ``top`` (default: a round number above the highest value and guide);
    the x axis from the first start to the last end. ``guides`` are values drawn as horizontal lines (limits).
    Returns the SVG path (``path``), the pieces (``steps``), the guides' y, and the axis labels (``top``,
    ``half`` — the middle value — and ``bottom``).
    """
    if not steps:
        return {"width": width, "height": height, "path": "", "steps": [], "guides": [], "top": 0, "half": 0}
    peak = max([float(value) for _start, _end, value in steps] + [float(guide) for guide in guides])
    top = top or nice_ceiling(peak * 1.1)
    x_min, x_max = steps[0][0], steps[-1][1]
    span = (x_max - x_min) or 1
    rise = (top - bottom) or 1

    def x(at: float) -> float:
        return round((at - x_min) / span * width, 2)

    def y(value) -> float:
        return round(height - (float(value) - bottom) / rise * height, 2)

    pieces = [Step(start, end, value, x(start), x(end), y(value)) for start, end, value in steps]
    path = [f"M{pieces[0].x0} {pieces[0].y}"]
    for previous, piece in zip([None, *pieces], pieces, strict=False):
        if previous is not None and piece.y != previous.y:
            path.append(f"V{piece.y}")
        path.append(f"H{piece.x1}")
    return {
        "width": width,
        "height": height,
        "path": " ".join(path),
        "steps": pieces,
        "guides": [{"value": guide, "y": y(guide)} for guide in guides],
        "top": top,
        "half": bottom + (top - bottom) / 2,
        "bottom": bottom,
        "middle": height / 2,
    }
