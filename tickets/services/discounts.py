"""The one discount an order may carry: a promo code or a referral (never both)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Discount:
    """Money off an order's subtotal, and where it came from (shown on the order and the receipt)."""

    amount: Decimal
    label: str  # e.g. "Promo code EARLY10" or "Referral from Ada L."

    def __post_init__(self):
        if self.amount < 0:
            raise ValueError("A discount cannot be negative.")


def money(value: Decimal) -> Decimal:
    """Round to cents, half up (the way prices are shown)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def discount_percent(*, base: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``base``, in cents, never more than ``base``."""
    return min(base, money(base * percent / Decimal(100)))


def discount_fixed(*, base: Decimal, amount: Decimal) -> Decimal:
    """A fixed amount off, never more than ``base``."""
    return min(base, money(amount))


def discount_spread(*, prices: Sequence[Decimal], amount: Decimal) -> list[Decimal]:
    """Each price after its share of ``amount`` off, in proportion to the price, to the cent.

    The results add up to ``sum(prices) - amount`` exactly and none is negative, so what a ticket cost is
    what a partial refund of it gives back.
    """
    total = sum(prices, Decimal(0))
    amount = min(money(amount), total)
    if not amount:
        return list(prices)
    shares = [(price * amount / total).quantize(CENT, rounding=ROUND_DOWN) for price in prices]
    left = amount - sum(shares, Decimal(0))
    while left > 0:  # a few cents of rounding, one cent per ticket that still costs something
        for index, price in enumerate(prices):
            if left > 0 and price - shares[index] >= CENT:
                shares[index] += CENT
                left -= CENT
    return [price - share for price, share in zip(prices, shares, strict=True)]
