"""The buyer's cancellation form: which tickets, and the refund they were shown before confirming."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CancelTicketsForm(forms.Form):
    tickets = forms.TypedMultipleChoiceField(
        label=_("Tickets to cancel"),
        coerce=int,
        error_messages={
            "required": _("Choose at least one ticket to cancel."),
            "invalid_choice": _("One of the chosen tickets cannot be cancelled."),
        },
    )
    expected_refund = forms.DecimalField(required=False, max_digits=12, decimal_places=2, widget=forms.HiddenInput)

    def __init__(self, *args, ticket_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tickets"].choices = [(pk, str(pk)) for pk in ticket_ids]
