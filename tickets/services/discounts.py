"""The one discount an order may carry: a promo code or a referral (never both)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
