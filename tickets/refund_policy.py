"""The refund policy of an event, as pure functions: what an attendee gets back when cancelling at a moment.

An event's ``refund_policy`` is a list of tiers ``{"hours_before": H, "percent": P}``, each a promise:
"P % back when you cancel at least H hours before the start". The rules:

- A tier applies up to and including its deadline (``starts_at - H hours``); one second later it does not.
- When several tiers apply, the attendee gets the highest percentage among them (with the usual
  falling tiers that is simply the current one).
- No tiers: the event offers no refunds, and paid tickets cannot be cancelled by their buyer.
- After the last deadline, or once the event has started (even with a 0-hour tier), nothing can be
  cancelled any more.
- A tier of 0 % is allowed: the buyer may give the ticket back (it goes on sale again) without a refund.
- The fee is kept once per cancellation, from the refund only: it never makes the refund negative, and
  nothing is kept when nothing is refunded.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tier:
    hours_before: int
    percent: int

    def deadline(self, starts_at: datetime) -> datetime:
        return starts_at - timedelta(hours=self.hours_before)


@dataclass(frozen=True)
class Quote:
    """What cancelling now gives back. ``fee`` is the fee actually kept; ``deadline`` the last moment this
    percentage applies (None when nothing applies); ``cancellable`` whether the buyer may cancel at all."""

    percent: int
    fee: Decimal
    refund_amount: Decimal
    description: str
    deadline: datetime | None
    cancellable: bool
    amount: Decimal = ZERO  # what was paid for the tickets the quote is for


@dataclass(frozen=True)
class ScheduleRow:
    """One step of the policy as shown to buyers: ``percent`` back until ``deadline``."""

    percent: int
    deadline: datetime


def refund_tiers(policy_tiers) -> list[Tier]:
    """The well-formed tiers of a stored policy, longest notice first (anything malformed is ignored)."""
    tiers = {}
    for row in policy_tiers or []:
        try:
            hours, percent = int(row["hours_before"]), int(row["percent"])
        except (KeyError, TypeError, ValueError):
            continue
        if hours >= 0 and 0 <= percent <= 100:
            tiers[hours] = max(percent, tiers.get(hours, 0))
    return [Tier(hours, percent) for hours, percent in sorted(tiers.items(), reverse=True)]


def refund_quote(*, policy_tiers, fee: Decimal, amount: Decimal, starts_at: datetime, now: datetime) -> Quote:
    """What a cancellation of tickets worth ``amount`` (what was paid for them) gives back at ``now``."""
    if now >= starts_at:
        return Quote(0, ZERO, ZERO, _("The event has started, so tickets can no longer be cancelled."), None, False)
    tiers = refund_tiers(policy_tiers)
    if not tiers:
        return Quote(0, ZERO, ZERO, _("This event does not offer refunds."), None, False)
    active = [tier for tier in tiers if now <= tier.deadline(starts_at)]
    if not active:
        return Quote(0, ZERO, ZERO, _("The cancellation period for this event is over."), None, False)
    best = max(active, key=lambda tier: (tier.percent, -tier.hours_before))
    gross = money(Decimal(amount) * best.percent / 100)
    kept = min(money(fee or 0), gross) if gross > 0 else ZERO
    if best.hours_before:
        description = _("%(percent)s %% refund when cancelling at least %(hours)s hours before the start.") % {
            "percent": best.percent,
            "hours": best.hours_before,
        }
    else:
        description = _("%(percent)s %% refund when cancelling before the start.") % {"percent": best.percent}
    return Quote(best.percent, kept, gross - kept, description, best.deadline(starts_at), True, money(amount))


def refund_schedule(*, policy_tiers, starts_at: datetime) -> list[ScheduleRow]:
    """The policy as steps in time: each row's percentage applies until its deadline (after the previous
    row's). Steps giving the same percentage are merged; after the last row nothing is refunded."""
    tiers = refund_tiers(policy_tiers)
    rows: list[ScheduleRow] = []
    for index, tier in enumerate(tiers):
        percent = max(later.percent for later in tiers[index:])  # every tier not yet past still applies
        if rows and rows[-1].percent == percent:
            rows[-1] = ScheduleRow(percent, tier.deadline(starts_at))
        else:
            rows.append(ScheduleRow(percent, tier.deadline(starts_at)))
    return rows


def refund_basis(*, total: Decimal, prices_total: Decimal, gone_before: Decimal, selected: Decimal) -> Decimal:
    """What was paid for the ``selected`` tickets (the sum of their prices) of an order whose tickets cost
    ``prices_total`` together and which was paid ``total``; ``gone_before`` is the price of its tickets
    cancelled earlier. Tickets carry their price after the order's discount, so normally the share is the
    price itself; should the prices not add up to the total, the total is spread over them by price.

    Each cancellation takes the difference of cumulative shares, so the shares of all tickets always add up
    to exactly what was paid, cent for cent.
    """
    if prices_total <= 0 or total <= 0:
        return ZERO

    def share(prices: Decimal) -> Decimal:
        return total if prices >= prices_total else money(prices * total / prices_total)

    return share(gone_before + selected) - share(gone_before)
