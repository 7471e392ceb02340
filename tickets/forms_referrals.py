"""The organizer's referral program settings of one event. The form validates and shapes; the service saves."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event
from tickets.services.referrals import ReferralSettings


class ReferralSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Run a referral program for this event"),
        required=False,
        help_text=_(
            "Every ticket holder gets a personal link. Friends who book through it save; the holder is rewarded."
        ),
    )
    discount_value = forms.DecimalField(
        label=_("Friend's discount"), min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    discount_kind = forms.ChoiceField(label=_("Discount unit"), choices=Event.ReferralKind.choices)
    reward_value = forms.DecimalField(
        label=_("Referrer's reward"),
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        help_text=_("A single-use promo code for this event, e-mailed when the friend's order is paid."),
    )
    reward_kind = forms.ChoiceField(label=_("Reward unit"), choices=Event.ReferralKind.choices)

    def __init__(self, *args, event: Event, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "enabled": event.referral_enabled,
                "discount_value": event.referral_discount_value,
                "discount_kind": event.referral_discount_kind,
                "reward_value": event.referral_reward_value,
                "reward_kind": event.referral_reward_kind,
            },
        )
        super().__init__(*args, **kwargs)
        units = [(Event.ReferralKind.PERCENT, "%"), (Event.ReferralKind.FIXED, event.currency)]
        self.fields["discount_kind"].choices = self.fields["reward_kind"].choices = units
        for name in ("discount_value", "reward_value"):
            self.fields[name].widget.attrs.update({"min": 0, "step": "0.01", "inputmode": "decimal"})

    def settings(self) -> ReferralSettings:
        data = self.cleaned_data
        return ReferralSettings(
            enabled=data["enabled"],
            discount_kind=data["discount_kind"],
            discount_value=data["discount_value"],
            reward_kind=data["reward_kind"],
            reward_value=data["reward_value"],
        )
