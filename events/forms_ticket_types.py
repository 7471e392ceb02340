"""Organizer dashboard forms for an event's ticket types and shared capacities (pools).

Like ``events.forms``, they validate and shape input for the services and never save. A ticket type's sales
window is typed as wall-clock times in the event's time zone and leaves ``clean()`` in UTC.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.forms import LocalDateTimeField, local_to_utc, utc_to_local
from events.models import CapacityPool, Event, TicketType
from events.pricing.rules import check_dynamic_pricing


class TicketTypeForm(forms.ModelForm):
    """A ticket type of ``event``; the sales window is typed in the event's time zone."""

    sales_start = LocalDateTimeField(label=_("Sales start"), required=False, help_text=_("Empty: on sale right away."))
    sales_end = LocalDateTimeField(label=_("Sales end"), required=False, help_text=_("Empty: until the event starts."))

    class Meta:
        model = TicketType
        fields = [
            "name", "description", "price", "capacity", "pool", "sales_start", "sales_end", "min_per_order",
            "max_per_order", "is_hidden", "unlock_code", "dynamic_pricing", "price_floor", "price_ceiling",
        ]  # fmt: skip
        help_texts = {
            "price": _("0 for a free ticket. With dynamic pricing: the base price the rules start from."),
            "dynamic_pricing": _("The price moves with sales, time and demand, within the lowest and highest price."),
            "price_floor": _("Needed with dynamic pricing: the price never goes below this."),
            "price_ceiling": _("Needed with dynamic pricing: the price never goes above this."),
            "pool": _("Counts these tickets against a capacity shared with other ticket types too."),
            "unlock_code": _("Buyers type it to see a hidden ticket type."),
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["pool"].queryset = CapacityPool.objects.filter(event=event).order_by("name", "id")
        self.fields["pool"].empty_label = _("None")
        self.fields["price"].widget.attrs.update(min=0, step="0.01")
        self.fields["dynamic_pricing"].label = _("Use dynamic pricing")
        for name in ("price_floor", "price_ceiling"):
            self.fields[name].widget.attrs.update(min=0, step="0.50")
        self.fields["capacity"].widget.attrs["min"] = 0
        if self.instance.pk:
            self.initial["sales_start"] = utc_to_local(self.instance.sales_start, event.tz)
            self.initial["sales_end"] = utc_to_local(self.instance.sales_end, event.tz)

    def clean_price(self):
        price = self.cleaned_data.get("price")
        if price is not None and price < 0:
            raise ValidationError(_("The price cannot be negative."))
        return price

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        taken = self.instance.sold + self.instance.held
        if capacity is not None and capacity < taken:
            raise ValidationError(
                _("%(taken)s tickets are sold or reserved; the capacity cannot be lower."), params={"taken": taken}
            )
        return capacity

    def clean_min_per_order(self):
        minimum = self.cleaned_data.get("min_per_order")
        if minimum is not None and minimum < 1:
            raise ValidationError(_("Buyers take at least 1 ticket."))
        return minimum

    def clean(self):
        cleaned = super().clean()
        for name in ("sales_start", "sales_end"):
            if cleaned.get(name) is not None:
                try:
                    cleaned[name] = local_to_utc(cleaned[name], self.event.tz)
                except ValidationError as exc:
                    self.add_error(name, exc)
        start, end = cleaned.get("sales_start"), cleaned.get("sales_end")
        if start and end and end <= start:
            self.add_error("sales_end", _("Sales must end after they start."))
        minimum, maximum = cleaned.get("min_per_order"), cleaned.get("max_per_order")
        if minimum and maximum is not None and maximum < minimum:
            self.add_error("max_per_order", _("The maximum per order cannot be below the minimum."))
        if cleaned.get("is_hidden") and not cleaned.get("unlock_code"):
            self.add_error("unlock_code", _("A hidden ticket type needs an unlock code, or buyers can never see it."))
        if cleaned.get("dynamic_pricing") and "price" in cleaned:
            # The rules are checked with the rule rows (events.forms_pricing.pricing_is_valid).
            limits = check_dynamic_pricing(
                price=cleaned.get("price"),
                floor=cleaned.get("price_floor"),
                ceiling=cleaned.get("price_ceiling"),
                rules=(),
                starts_at=None,
            )
            for name, messages in limits.items():
                if name not in self.errors:
                    self.add_error(name, messages)
        return cleaned


class CapacityPoolForm(forms.ModelForm):
    class Meta:
        model = CapacityPool
        fields = ["name", "capacity"]
        labels = {"name": _("Name"), "capacity": _("Capacity")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].widget.attrs["min"] = 0
        self.fields["name"].widget.attrs["placeholder"] = _("e.g. Hall capacity")

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        taken = self.instance.sold + self.instance.held
        if capacity is not None and capacity < taken:
            raise ValidationError(
                _("%(taken)s tickets are sold or reserved; the capacity cannot be lower."), params={"taken": taken}
            )
        return capacity
