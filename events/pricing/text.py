"""Words for dynamic prices: why a price is what it is, and what moves it next (pure, translatable)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.pricing.rules import (
    EARLY_BIRD,
    LAST_MINUTE,
    PERCENT,
    SELL_THROUGH,
    PriceStep,
    PricingRule,
    Quote,
)
from events.templatetags.catalogue import money


def _local(moment: datetime, tz: tzinfo) -> str:
    return dateformat.format(moment.astimezone(tz), "j M Y, H:i")


def adjustment_text(rule: PricingRule, currency: str) -> str:
    """'+10%', '−5.00 €' style: the sign always shown."""
    sign = "+" if rule.value > 0 else "−"
    if rule.adjust == PERCENT:
        return f"{sign}{abs(rule.value).normalize():f}%"
    return f"{sign}{money(abs(rule.value), currency)}"


def condition_text(rule: PricingRule, tz: tzinfo) -> str:
    if rule.kind == SELL_THROUGH:
        return _("from %(percent)s%% sold") % {"percent": rule.threshold}
    if rule.kind == EARLY_BIRD:
        return _("early-bird until %(when)s") % {"when": _local(rule.until, tz)}
    if rule.kind == LAST_MINUTE:
        return ngettext(
            "in the final hour before the start", "in the final %(hours)s hours before the start", rule.threshold
        ) % {"hours": rule.threshold}
    return ngettext(
        "when %(count)s ticket sold in the last hour", "when %(count)s tickets sold in the last hour", rule.threshold
    ) % {"count": rule.threshold}


def rule_text(rule: PricingRule, *, currency: str, tz: tzinfo) -> str:
    """'+10% from 50% sold'."""
    return f"{adjustment_text(rule, currency)} {condition_text(rule, tz)}"


def quote_reason(quote: Quote, *, currency: str, tz: tzinfo) -> str:
    """Why the price is what it is, for the price history: the rules in force, or the base price."""
    if not quote.applied:
        return _("Base price")
    return "; ".join(rule_text(rule, currency=currency, tz=tz) for rule in quote.applied)


def step_text(step: PriceStep, *, currency: str, tz: tzinfo) -> str:
    """'Price rises to €55.00 after 12 more tickets', 'Early-bird price until 1 Dec 2026, 00:00'."""
    price = money(step.price, currency)
    if step.after_tickets is not None:
        if step.rises:
            template = ngettext(
                "Price rises to %(price)s after %(count)s more ticket",
                "Price rises to %(price)s after %(count)s more tickets",
                step.after_tickets,
            )
        else:
            template = ngettext(
                "Price drops to %(price)s after %(count)s more ticket",
                "Price drops to %(price)s after %(count)s more tickets",
                step.after_tickets,
            )
        return template % {"price": price, "count": step.after_tickets}
    when = _local(step.at, tz)
    if step.kind == EARLY_BIRD and step.rises:
        return _("Early-bird price until %(when)s, then %(price)s") % {"when": when, "price": price}
    if step.rises:
        return _("Price rises to %(price)s on %(when)s") % {"price": price, "when": when}
    return _("Price drops to %(price)s on %(when)s") % {"price": price, "when": when}
