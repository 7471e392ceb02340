"""Filter forms of the audit pages (plain GET forms; an invalid field is shown and ignored)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from checkin.models import Reason
from checkin.selectors import CONFLICT_FILTER


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(
        label=_("Actor e-mail"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"placeholder": _("name@example.com"), "type": "search"}),
    )
    target_type = forms.ChoiceField(label=_("Target type"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, actions: list[str], target_types: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions"))] + [(action, action) for action in actions]
        if target_types is None:
            del self.fields["actor"], self.fields["target_type"]
        else:
            self.fields["target_type"].choices = [("", _("All types"))] + [(kind, kind) for kind in target_types]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
            data.pop("date_to", None)
        return data


class ScanFilterForm(forms.Form):
    event = forms.CharField(label=_("Event"), required=False, max_length=140, help_text=_("Title or id."), strip=True)
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("All results")), *Reason.choices, (CONFLICT_FILTER, _("Offline conflicts"))],
    )
    staff = forms.CharField(
        label=_("Staff e-mail"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"placeholder": _("name@example.com"), "type": "search"}),
    )

    def __init__(self, *args, with_event: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_event:
            del self.fields["event"]


def valid_filters(form: forms.Form) -> dict:
    """The filters that validated (all of them when the form is valid); others are shown as errors."""
    form.is_valid()
    return {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
