"""Forms for passing a ticket on and for new QR codes. They validate input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TransferForm(forms.Form):
    to_name = forms.CharField(
        label=_("Their name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Printed on the ticket unless they change it when accepting."),
    )
    to_email = forms.EmailField(
        label=_("Their e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@example.com"}),
        help_text=_("They accept the ticket by signing in (or signing up) with this address."),
    )
    message = forms.CharField(
        label=_("A message for them"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransferAcceptForm(forms.Form):
    attendee_name = forms.CharField(
        label=_("Name on the ticket"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("The person who will use the ticket."),
    )


class OrganizerReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the attendee reports that a photo of the QR code was shared."),
    )
