from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import Hold


def luhn_valid(number: str) -> bool:
    digits = [int(char) for char in number]
    checksum = sum(digits[-1::-2]) + sum(sum(divmod(digit * 2, 10)) for digit in digits[-2::-2])
    return checksum % 10 == 0


class AttendeeNamesForm(forms.Form):
    """One name field per ticket of the hold, the first prefilled with the buyer's name."""

    def __init__(self, *args, hold: Hold, buyer_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = []
        index = 0
        for line in hold.lines.all():
            for number in range(1, line.quantity + 1):
                self.fields[f"name_{index}"] = forms.CharField(
                    label=_("%(type)s — ticket %(number)d") % {"type": line.ticket_type.name, "number": number},
                    max_length=150,
                    initial=buyer_name if index == 0 else "",
                    widget=forms.TextInput(attrs={"autocomplete": "name" if index == 0 else "off"}),
                    help_text=_("The name printed on the ticket.") if index == 0 else "",
                )
                index += 1

    def names(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]


class CardForm(forms.Form):
    """The simulated provider's card form. Only the number matters; nothing is stored."""

    card_number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "cc-number", "placeholder": "4242 4242 4242 4242"}
        ),
    )
    expiry = forms.RegexField(
        label=_("Expiry (MM/YY)"),
        regex=r"^\s*(0[1-9]|1[0-2])\s*/\s*\d{2}\s*$",
        error_messages={"invalid": _("Use the MM/YY format, e.g. 12/29.")},
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "12/29"}),
    )
    cvc = forms.RegexField(
        label=_("CVC"),
        regex=r"^\s*\d{3,4}\s*$",
        error_messages={"invalid": _("3 or 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-csc", "placeholder": "123"}),
    )

    def clean_card_number(self) -> str:
        number = "".join(self.cleaned_data["card_number"].split()).replace("-", "")
        if not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_valid(number):
            raise forms.ValidationError(_("This card number is not valid."))
        return number
