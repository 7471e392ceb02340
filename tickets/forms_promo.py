"""The organizer's promo code form. It validates and shapes input for ``tickets.services.promo_codes`` and never
saves; the validity window is typed as wall-clock times in the event's time zone and leaves ``clean()`` in UTC."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.forms import LocalDateTimeField, local_to_utc, utc_to_local
from events.models import Event, TicketType
from tickets.models import PROMO_CODE_MAX_LENGTH, PromoCode
from tickets.services.promo_codes import CODE_PATTERN, GENERATE_MAX, promo_code_normalise


class PromoCodeForm(forms.Form):
    """A promo code of ``event``. A new one may be a batch of random codes (``count`` > 1, ``code`` a prefix)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=PROMO_CODE_MAX_LENGTH,
        required=False,
        help_text=_("Letters, digits, - and _. Leave empty for a random code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": _("e.g. EARLYBIRD"), "class": "promo-field__input"}
        ),
    )
    count = forms.IntegerField(
        label=_("How many codes"),
        min_value=1,
        max_value=GENERATE_MAX,
        initial=1,
        help_text=_("More than 1 generates random single codes; the code above becomes their prefix."),
    )
    kind = forms.ChoiceField(
        label=_("Discount type"),
        choices=PromoCode.Kind.choices,
        initial=PromoCode.Kind.PERCENT,
        widget=forms.RadioSelect,
    )
    value = forms.DecimalField(
        label=_("Discount"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        help_text=_("A percentage (1–100), or an amount off the order in the event's currency."),
    )
    max_uses = forms.IntegerField(
        label=_("Max uses"), min_value=1, required=False, help_text=_("Orders in total. Empty: no limit.")
    )
    per_user_limit = forms.IntegerField(
        label=_("Uses per buyer"), min_value=1, max_value=1000, required=False, help_text=_("Empty: no limit.")
    )
    valid_from = LocalDateTimeField(label=_("Valid from"), required=False, help_text=_("Empty: right away."))
    valid_until = LocalDateTimeField(label=_("Valid until"), required=False, help_text=_("Empty: until sales end."))
    ticket_types = forms.ModelMultipleChoiceField(
        label=_("Applies to"),
        queryset=TicketType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every ticket type. The discount is taken off these ticket types only."),
    )
    unlocks_hidden = forms.BooleanField(
        label=_("Unlocks hidden ticket types"),
        required=False,
        help_text=_(
            "Buyers who enter the code on the event page also see hidden ticket types (those ticked above, or all)."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=120,
        required=False,
        help_text=_("For you and your team, e.g. where the code was shared."),
    )

    def __init__(self, *args, event: Event, promo_code: PromoCode | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.promo_code = promo_code
        self.fields["ticket_types"].queryset = TicketType.objects.filter(event=event).order_by(
            "position", "price", "id"
        )
        self.fields["ticket_types"].label_from_instance = lambda ticket_type: ticket_type.name
        self.fields["value"].widget.attrs.update(min=0, step="0.01")
        if promo_code is not None:
            del self.fields["count"]
            self.fields["code"].required = True
            self.fields["code"].help_text = _("Changing it stops the old code from working.")
            for name in ("code", "kind", "value", "max_uses", "per_user_limit", "unlocks_hidden", "note"):
                self.initial.setdefault(name, getattr(promo_code, name))
            self.initial.setdefault("valid_from", utc_to_local(promo_code.valid_from, event.tz))
            self.initial.setdefault("valid_until", utc_to_local(promo_code.valid_until, event.tz))
            self.initial.setdefault("ticket_types", list(promo_code.ticket_types.all()))

    def clean_code(self) -> str:
        code = promo_code_normalise(self.cleaned_data.get("code", ""))
        if code and not CODE_PATTERN.match(code):
            raise ValidationError(_("Use letters, digits, - and _ only (no spaces)."))
        return code

    def clean(self):
        cleaned = super().clean()
        for name in ("valid_from", "valid_until"):
            if cleaned.get(name) is not None:
                try:
                    cleaned[name] = local_to_utc(cleaned[name], self.event.tz)
                except ValidationError as exc:
                    self.add_error(name, exc)
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The code must end after it starts."))
        value = cleaned.get("value")
        if value is not None and value <= 0:
            self.add_error("value", _("Give a discount above 0."))
        elif value is not None and cleaned.get("kind") == PromoCode.Kind.PERCENT and value > 100:
            self.add_error("value", _("A percentage is at most 100."))
        if (cleaned.get("count") or 1) > 1 and len(cleaned.get("code") or "") > PROMO_CODE_MAX_LENGTH - 8:
            self.add_error("code", _("A prefix has at most %(max)d characters.") % {"max": PROMO_CODE_MAX_LENGTH - 8})
        return cleaned

    def service_data(self) -> dict:
        """The rules, as keyword arguments of the promo code services."""
        fields = ("kind", "value", "max_uses", "per_user_limit", "valid_from", "valid_until", "unlocks_hidden", "note")
        data = {name: self.cleaned_data[name] for name in fields}
        data["ticket_types"] = list(self.cleaned_data["ticket_types"])
        return data
