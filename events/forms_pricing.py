"""The "Dynamic pricing" part of the ticket type form: the rule rows (a formset) and the checks that need the
whole picture (base price, limits, rules and the event's start). Like the other forms, they never save.

A rule row reads "When <condition> <threshold or date>, change the price by <value> <% or amount>". A row
left empty is no rule; that is how an organizer removes one.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.forms import LocalDateTimeField, local_to_utc, utc_to_local
from events.models import Event, TicketType
from events.pricing.rules import (
    AMOUNT,
    DEMAND,
    EARLY_BIRD,
    LAST_MINUTE,
    MAX_RULES,
    PERCENT,
    SELL_THROUGH,
    PricingRule,
    check_dynamic_pricing,
    rule_from_dict,
    rules_or_empty,
    rules_to_json,
)

PREFIX = "rule"
KIND_CHOICES = [
    ("", _("— no rule —")),
    (SELL_THROUGH, _("Sold reaches (% of capacity)")),
    (EARLY_BIRD, _("Early bird, until")),
    (LAST_MINUTE, _("Final hours before the start")),
    (DEMAND, _("Sold in the last hour reaches")),
]


class PricingRuleForm(forms.Form):
    """One rule row. ``threshold`` serves sell-through (%), last-minute (hours) and demand (tickets); ``until``
    the early bird, typed in the event's time zone."""

    kind = forms.ChoiceField(label=_("When"), choices=KIND_CHOICES, required=False)
    threshold = forms.IntegerField(
        label=_("Threshold"), required=False, widget=forms.NumberInput(attrs={"step": 1, "min": 1})
    )
    until = LocalDateTimeField(label=_("Until"), required=False)
    value = forms.DecimalField(
        label=_("Change"),
        required=False,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "placeholder": "+10"}),
    )
    adjust = forms.ChoiceField(
        label=_("Unit"), choices=[(PERCENT, "%"), (AMOUNT, _("amount"))], initial=PERCENT, required=False
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["adjust"].choices = [(PERCENT, "%"), (AMOUNT, event.currency)]
        self.rule: PricingRule | None = None

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("kind") and data.get("value") is None

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.is_blank:
            return cleaned
        data = {"kind": cleaned.get("kind"), "adjust": cleaned.get("adjust") or PERCENT, "value": cleaned.get("value")}
        if cleaned.get("kind") == EARLY_BIRD:
            until = cleaned.get("until")
            if until is not None:
                try:
                    until = local_to_utc(until, self.event.tz)
                except ValidationError as exc:
                    self.add_error("until", exc)
                    return cleaned
            data["until"] = until
        else:
            data["threshold"] = cleaned.get("threshold")
        try:
            self.rule = rule_from_dict(data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


class BasePricingRuleFormSet(forms.BaseFormSet):
    def __init__(self, *args, event: Event, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "event": self.event}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), event=self.event)
        self.add_fields(form, None)
        return form

    def clean(self):
        if any(self.errors):
            return
        keys = [(form.rule.kind, form.rule.until or form.rule.threshold) for form in self.forms if form.rule]
        if len(keys) != len(set(keys)):
            raise ValidationError(_("Two rules have the same condition. Combine them into one."))

    stored_rules: tuple[PricingRule, ...] = ()

    @property
    def rules(self) -> list[PricingRule]:
        """The rules of the filled-in rows; the stored ones when no rows were posted (an older form)."""
        if not self.is_bound:
            return list(self.stored_rules)
        return [form.rule for form in self.forms if getattr(form, "rule", None)]


PricingRuleFormSet = forms.formset_factory(
    PricingRuleForm, formset=BasePricingRuleFormSet, extra=2, max_num=MAX_RULES, absolute_max=MAX_RULES
)


def _initial(ticket_type: TicketType, event: Event) -> list[dict]:
    rows = []
    for rule in rules_or_empty(ticket_type.pricing_rules):
        rows.append(
            {
                "kind": rule.kind,
                "threshold": rule.threshold,
                "until": utc_to_local(rule.until, event.tz),
                "adjust": rule.adjust,
                "value": rule.value.to_integral_value() if rule.value == rule.value.to_integral_value() else rule.value,
            }
        )
    return rows


def pricing_rule_formset(*, data=None, ticket_type: TicketType, event: Event) -> BasePricingRuleFormSet:
    """The ticket type's rules and two empty rows to add more.

    Posted data without the rows' management form (a client that does not know about dynamic pricing)
    leaves the rules as they are: the formset stays unbound.
    """
    initial = _initial(ticket_type, event)
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        data = None
    # Posted rows stand on their own: with the stored rules as initial values, a row posted unchanged would
    # count as "not changed" and be skipped (and its rule lost) when the row counts do not line up.
    formset = PricingRuleFormSet(data=data, initial=None if data is not None else initial, prefix=PREFIX, event=event)
    formset.extra = min(MAX_RULES - len(initial), 2)
    formset.stored_rules = rules_or_empty(ticket_type.pricing_rules)
    return formset


def pricing_is_valid(*, form, rules: BasePricingRuleFormSet, event: Event) -> bool:
    """Validate the ticket type form and its rule rows together, then the dynamic pricing as a whole.

    The whole-picture errors go next to the price, floor and ceiling fields, or above the rule rows.
    """
    valid = all([form.is_valid(), rules.is_valid() if rules.is_bound else True])
    if not valid or not form.cleaned_data.get("dynamic_pricing"):
        return valid
    # The price and its limits were checked by the form itself; what is left concerns the rules.
    messages = check_dynamic_pricing(
        price=form.cleaned_data.get("price"),
        floor=form.cleaned_data.get("price_floor"),
        ceiling=form.cleaned_data.get("price_ceiling"),
        rules=rules.rules,
        starts_at=event.starts_at,
    ).get("pricing_rules")
    if messages:
        rules._non_form_errors = rules.error_class(messages, error_class="nonform", renderer=rules.renderer)
    return not messages


def rules_json(rules: BasePricingRuleFormSet) -> list[dict]:
    """The rows as stored on the ticket type."""
    return rules_to_json(rules.rules)
