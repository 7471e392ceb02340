"""Dynamic pricing as pure functions: the rules, their validation and ``price_quote``. No database access.

A ticket type with dynamic pricing stores its rules as a JSON list on ``TicketType.pricing_rules``, one
object per rule::

    {"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10"}   # +10 % from 50 % sold
    {"kind": "early_bird", "until": "2026-12-01T00:00:00+01:00", "adjust": "amount", "value": "-5"}
    {"kind": "last_minute", "threshold": 48, "adjust": "percent", "value": "15"}   # final 48 hours
    {"kind": "demand", "threshold": 20, "adjust": "percent", "value": "5"}          # ≥ 20 sold in the last hour

How a price is computed (``price_quote``):

1. Every rule whose condition holds adds its adjustment. Percentages are of the *base* price and add up
   (+10 % and +5 % make +15 %), amounts add as they are: ``raw = base × (1 + Σ% / 100) + Σamounts``.
2. The raw price is rounded (``round_price``): to the nearest 0.50 below 20, to a whole unit from 20.
3. It is clamped between the organizer's floor and ceiling (never below 0).

With no rule in force the price is the base price. Because the base, floor and ceiling of a dynamic ticket
type are round prices themselves (``check_dynamic_pricing``), every price it can have is a round price.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

SELL_THROUGH = "sell_through"
EARLY_BIRD = "early_bird"
LAST_MINUTE = "last_minute"
DEMAND = "demand"
KINDS = (SELL_THROUGH, EARLY_BIRD, LAST_MINUTE, DEMAND)

PERCENT = "percent"
AMOUNT = "amount"
ADJUSTS = (PERCENT, AMOUNT)

MAX_RULES = 10
# Inclusive bounds of ``threshold`` per kind: percent sold, hours before the start, tickets in the last hour.
THRESHOLD_RANGES = {SELL_THROUGH: (1, 100), LAST_MINUTE: (1, 24 * 365), DEMAND: (1, 100_000)}
PERCENT_RANGE = (Decimal("-90"), Decimal("500"))
AMOUNT_LIMIT = Decimal("100000")

WHOLE_UNITS_FROM = Decimal("20")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PricingRule:
    """One rule: when ``kind``'s condition holds, change the price by ``value`` (a percentage or an amount)."""

    kind: str
    adjust: str
    value: Decimal
    threshold: int | None = None  # sell_through: % sold; last_minute: hours before the start; demand: tickets/hour
    until: datetime | None = None  # early_bird: the moment the early-bird price ends

    def applies(self, *, sold: int, capacity: int, starts_at: datetime, now: datetime, sales_last_hour: int) -> bool:
        if self.kind == SELL_THROUGH:
            return capacity > 0 and sold * 100 >= self.threshold * capacity
        if self.kind == EARLY_BIRD:
            return now < self.until
        if self.kind == LAST_MINUTE:
            return starts_at - now <= timedelta(hours=self.threshold)
        return sales_last_hour >= self.threshold

    def to_json(self) -> dict:
        data = {"kind": self.kind, "adjust": self.adjust, "value": str(self.value)}
        if self.kind == EARLY_BIRD:
            data["until"] = self.until.isoformat()
        else:
            data["threshold"] = self.threshold
        return data

    @property
    def is_increase(self) -> bool:
        return self.value > 0


def round_price(value: Decimal) -> Decimal:
    """To the nearest 0.50 below 20, to the nearest whole unit from 20 (halves round up); two decimals."""
    if value >= WHOLE_UNITS_FROM:
        rounded = value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    else:
        rounded = (value * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2
    return rounded.quantize(CENT)


def is_round_price(value: Decimal) -> bool:
    return round_price(value) == value


# --- validation ------------------------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def rule_from_dict(data) -> PricingRule:
    """One rule from its JSON (or form) shape.

    Raises: ValidationError with a message per field (``kind``, ``threshold``, ``until``, ``adjust``,
    ``value``), or a plain one when ``data`` is not an object.
    """
    if not isinstance(data, dict):
        raise ValidationError(_("Each rule must be an object."), code="invalid")
    errors: dict[str, list] = {}
    unknown = sorted(set(data) - {"kind", "threshold", "until", "adjust", "value"})
    if unknown:
        errors["kind"] = [_("Unknown rule fields: %(fields)s.") % {"fields": ", ".join(map(str, unknown))}]
    kind = data.get("kind")
    if kind not in KINDS:
        errors["kind"] = [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(KINDS)}]
    threshold, until = None, None
    if kind == EARLY_BIRD:
        raw_until = data.get("until")
        until = raw_until if isinstance(raw_until, datetime) else None
        if isinstance(raw_until, str):
            try:
                until = parse_datetime(raw_until.strip())
            except ValueError:
                until = None
        if until is None or until.tzinfo is None:
            errors["until"] = [_("Give the end of the early-bird price as a date and time with a time zone.")]
            until = None
    elif kind in THRESHOLD_RANGES:
        low, high = THRESHOLD_RANGES[kind]
        threshold = _integer(data.get("threshold"))
        if threshold is None or not low <= threshold <= high:
            message = {
                SELL_THROUGH: _("Give the percentage sold, a whole number from %(low)s to %(high)s."),
                LAST_MINUTE: _("Give the number of hours before the start, a whole number from %(low)s to %(high)s."),
                DEMAND: _("Give the number of tickets sold in an hour, a whole number from %(low)s to %(high)s."),
            }[kind]
            errors["threshold"] = [message % {"low": low, "high": high}]
            threshold = None
    adjust = data.get("adjust")
    if adjust not in ADJUSTS:
        errors["adjust"] = [_("Choose “percent” or “amount”.")]
    value = _decimal(data.get("value"))
    if value is None:
        errors["value"] = [_("Give the change as a number, e.g. 10 or -5.")]
    elif value == 0:
        errors["value"] = [_("A change of 0 does nothing. Give a positive or a negative number.")]
    elif value.as_tuple().exponent < -2:
        errors["value"] = [_("Use at most two decimal places.")]
    elif adjust == PERCENT and not PERCENT_RANGE[0] <= value <= PERCENT_RANGE[1]:
        errors["value"] = [
            _("A percentage change must be between %(low)s and %(high)s.")
            % {"low": PERCENT_RANGE[0], "high": PERCENT_RANGE[1]}
        ]
    elif adjust == AMOUNT and abs(value) > AMOUNT_LIMIT:
        errors["value"] = [_("An amount must be between -%(limit)s and %(limit)s.") % {"limit": AMOUNT_LIMIT}]
    if errors:
        raise ValidationError(errors)
    return PricingRule(kind=kind, adjust=adjust, value=value.quantize(CENT), threshold=threshold, until=until)


def _condition_key(rule: PricingRule) -> tuple:
    return (rule.kind, rule.until if rule.kind == EARLY_BIRD else rule.threshold)


def parse_rules(data) -> tuple[PricingRule, ...]:
    """Rules from their stored JSON list.

    Raises: ValidationError listing every problem as "Rule N: …", so one message can sit next to the field.
    """
    if data in (None, ""):
        return ()
    if not isinstance(data, list):
        raise ValidationError(_("The pricing rules must be a list."), code="invalid")
    if len(data) > MAX_RULES:
        raise ValidationError(_("At most %(max)s pricing rules.") % {"max": MAX_RULES}, code="too_many")
    rules, messages = [], []
    for number, item in enumerate(data, start=1):
        try:
            rules.append(rule_from_dict(item))
        except ValidationError as exc:
            for message in exc.messages:
                messages.append(_("Rule %(number)s: %(message)s") % {"number": number, "message": message})
    if not messages:
        seen = set()
        for number, rule in enumerate(rules, start=1):
            key = _condition_key(rule)
            if key in seen:
                messages.append(
                    _("Rule %(number)s: another rule has the same condition. Combine them into one.")
                    % {"number": number}
                )
            seen.add(key)
    if messages:
        raise ValidationError(messages)
    return tuple(rules)


def rules_or_empty(data) -> tuple[PricingRule, ...]:
    """The stored rules, or none when they are invalid (they were validated on save; never fail a sale)."""
    try:
        return parse_rules(data)
    except ValidationError:
        return ()


def rules_to_json(rules: Iterable[PricingRule]) -> list[dict]:
    return [rule.to_json() for rule in rules]


def validate_pricing_rules(value) -> None:
    """Model field validator for ``TicketType.pricing_rules``."""
    parse_rules(value)


def check_dynamic_pricing(
    *,
    price: Decimal | None,
    floor: Decimal | None,
    ceiling: Decimal | None,
    rules: Sequence[PricingRule],
    starts_at: datetime | None,
) -> dict[str, list[str]]:
    """What is wrong with turning dynamic pricing on with these settings: messages by field (empty: all good).

    Forms, the API and the service share it. The base price, floor and ceiling must be round prices (see
    ``round_price``) with floor ≤ base ≤ ceiling; an early-bird price must end before the event starts.
    """
    errors: dict[str, list[str]] = {}
    round_message = _("With dynamic pricing, use a round price: a multiple of 0.50 below 20, a whole amount from 20.")
    for field, value in (("price", price), ("price_floor", floor), ("price_ceiling", ceiling)):
        if value is None:
            if field != "price":
                errors[field] = [_("Required with dynamic pricing.")]
        elif value < 0:
            errors[field] = [_("A price cannot be negative.")]
        elif not is_round_price(value):
            errors[field] = [str(round_message)]
    if not errors and price is not None:
        if floor > price:
            errors["price_floor"] = [_("The lowest price cannot be above the base price.")]
        if ceiling < price:
            errors["price_ceiling"] = [_("The highest price cannot be below the base price.")]
    if starts_at is not None:
        for number, rule in enumerate(rules, start=1):
            if rule.kind == EARLY_BIRD and rule.until > starts_at:
                errors.setdefault("pricing_rules", []).append(
                    _("Rule %(number)s: the early-bird price must end before the event starts.") % {"number": number}
                )
    return {field: [str(message) for message in messages] for field, messages in errors.items()}


# --- the price ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceStep:
    """A coming change of the price: after ``after_tickets`` more tickets are sold, or at ``at``."""

    price: Decimal
    after_tickets: int | None = None
    at: datetime | None = None
    kind: str = SELL_THROUGH
    direction: int = 1  # +1 the price rises, -1 it drops

    @property
    def rises(self) -> bool:
        return self.direction > 0


@dataclass(frozen=True)
class Quote:
    """The price now, the rules that make it (``applied``, empty at the base price) and what moves it next."""

    price: Decimal
    base: Decimal
    applied: tuple[PricingRule, ...] = ()
    steps: tuple[PriceStep, ...] = ()

    @property
    def next_change(self) -> PriceStep | None:
        """The first coming change: by tickets sold if there is one, else the soonest by time."""
        return self.steps[0] if self.steps else None

    @classmethod
    def fixed(cls, price: Decimal) -> Quote:
        return cls(price=price, base=price)


def _price_at(
    *,
    rules: Sequence[PricingRule],
    base: Decimal,
    floor: Decimal | None,
    ceiling: Decimal | None,
    sold: int,
    capacity: int,
    starts_at: datetime,
    now: datetime,
    sales_last_hour: int,
) -> tuple[Decimal, tuple[PricingRule, ...]]:
    applied = tuple(
        rule
        for rule in rules
        if rule.applies(sold=sold, capacity=capacity, starts_at=starts_at, now=now, sales_last_hour=sales_last_hour)
    )
    if not applied:
        return base, ()
    percent = sum((rule.value for rule in applied if rule.adjust == PERCENT), Decimal("0"))
    amount = sum((rule.value for rule in applied if rule.adjust == AMOUNT), Decimal("0"))
    price = round_price(max(base + base * percent / 100 + amount, Decimal("0")))
    if floor is not None:
        price = max(price, floor)
    if ceiling is not None:
        price = min(price, ceiling)
    return max(price, Decimal("0")).quantize(CENT), applied


def price_quote(
    *,
    rules: Sequence[PricingRule],
    base: Decimal,
    floor: Decimal | None,
    ceiling: Decimal | None,
    sold: int,
    capacity: int,
    starts_at: datetime,
    now: datetime,
    sales_last_hour: int = 0,
) -> Quote:
    """The price of one ticket at ``now`` with ``sold`` of ``capacity`` sold, and its coming changes.

    ``steps`` holds at most two changes: the next one caused by more sales (sell-through rules; demand is
    not predictable) and the next one caused by time passing (early-bird end, last-minute start), each only
    if the price really moves there.
    """
    state = {
        "rules": rules, "base": base, "floor": floor, "ceiling": ceiling, "capacity": capacity,
        "starts_at": starts_at, "sales_last_hour": sales_last_hour,
    }  # fmt: skip
    price, applied = _price_at(**state, sold=sold, now=now)
    steps = []
    targets = sorted(
        {
            (rule.threshold * capacity + 99) // 100
            for rule in rules
            if rule.kind == SELL_THROUGH and capacity > 0 and (rule.threshold * capacity + 99) // 100 > sold
        }
    )
    for target in targets:
        then, _applied = _price_at(**state, sold=target, now=now)
        if then != price:
            steps.append(PriceStep(price=then, after_tickets=target - sold, direction=1 if then > price else -1))
            break
    moments = sorted(
        {rule.until for rule in rules if rule.kind == EARLY_BIRD and rule.until > now}
        | {
            starts_at - timedelta(hours=rule.threshold)
            for rule in rules
            if rule.kind == LAST_MINUTE and starts_at - timedelta(hours=rule.threshold) > now
        }
    )
    for moment in moments:
        then, _applied = _price_at(**state, sold=sold, now=moment)
        if then != price:
            kind = EARLY_BIRD if any(r.kind == EARLY_BIRD and r.until == moment for r in rules) else LAST_MINUTE
            steps.append(PriceStep(price=then, at=moment, kind=kind, direction=1 if then > price else -1))
            break
    return Quote(price=price, base=base, applied=applied, steps=tuple(steps))
