"""Formatting for the public catalogue: prices, event dates in the event's own time zone, cover tones."""

import colorsys
from datetime import datetime
from decimal import Decimal

from django import template
from django.templatetags.tz import do_timezone
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

register = template.Library()

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}
# Cover placeholders come in a fixed set of CSS classes (CSP allows no style attributes): cover-tone-0 … 7.
COVER_TONES = 8


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """'€25.00', 'CHF 25.00'; an empty string for no amount."""
    if amount is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    return f"{symbol}{amount:,.2f}"


@register.filter
def price_label(amount: Decimal | None, currency: str) -> str:
    """Like ``money`` but 'Free' for zero."""
    if amount is not None and amount == 0:
        return _("Free")
    return money(amount, currency)


def _local(value: datetime, event) -> datetime:
    return value.astimezone(event.tz)


@register.filter
def event_when(event) -> str:
    """'Sat 12 Dec 2026, 19:30 – 23:00 CET', with both dates when it ends on another day."""
    starts, ends = _local(event.starts_at, event), _local(event.ends_at, event)
    start = dateformat.format(starts, "D j M Y, H:i")
    overnight = (ends - starts).total_seconds() <= 12 * 3600 and ends.hour < 6
    if starts.date() == ends.date() or overnight:
        end = dateformat.format(ends, "H:i T")
    else:
        end = dateformat.format(ends, "D j M Y, H:i T")
    return f"{start} – {end}"


@register.filter
def event_start_short(event) -> str:
    """'Sat 12 Dec, 19:30' in the event's time zone, for cards; with the year when it is not this year."""
    starts = _local(event.starts_at, event)
    if starts.year != timezone.now().astimezone(event.tz).year:
        return dateformat.format(starts, "D j M Y, H:i")
    return dateformat.format(starts, "D j M, H:i")


@register.filter
def event_local(value: datetime, event) -> datetime:
    """A moment in the event's time zone, for the ``date`` filter.

    Django's own ``timezone`` filter marks the result so ``date`` does not convert it back to the
    current time zone (it would with a plain ``astimezone``).
    """
    if not isinstance(value, datetime):
        return value
    return do_timezone(value, event.timezone)


@register.filter
def cover_tone(category) -> int:
    """Which of the cover gradients suits the category's colour (by hue; greys get the brand tone)."""
    colour = (getattr(category, "colour", "") or "").lstrip("#")
    try:
        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return 0
    hue, _lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < 0.15:
        return 0
    # Tones in hue order starting at indigo: 0 indigo, 1 violet, 2 pink, 3 red, 4 orange, 5 green, 6 teal, 7 blue.
    anchors = (0.67, 0.76, 0.90, 0.99, 0.08, 0.36, 0.48, 0.58)
    return min(range(COVER_TONES), key=lambda i: min(abs(hue - anchors[i]), 1 - abs(hue - anchors[i])))
