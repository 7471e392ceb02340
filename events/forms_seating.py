"""Forms of the seat map editor. They check shape and limits; the services have the last word."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import TicketType
from events.selectors.seating import price_display
from events.services.seat_maps import (
    MAX_NAME_LENGTH,
    MAX_ROWS,
    MAX_SEATS_PER_EVENT,
    MAX_SEATS_PER_ROW,
    MAX_STAGE_LABEL_LENGTH,
    SectionSpec,
)

GENERATE_MAX_SECTIONS = 8
SECTION_PREFIX = "sections"


class PriceZoneMixin:
    """A ``ticket_type`` choice among the event's ticket types (``zones``, already fetched), cleaned to the
    TicketType or None. Choices come from the list, so drawing many forms costs no extra queries."""

    empty_label = _("No price zone")

    def __init__(self, *args, zones=(), currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.zones = {str(ticket_type.pk): ticket_type for ticket_type in zones}
        field = self.fields["ticket_type"]
        field.choices = [("", self.empty_label)] + [
            (pk, f"{ticket_type.name} · {price_display(ticket_type.price, currency)}")
            for pk, ticket_type in self.zones.items()
        ]

    def clean_ticket_type(self) -> TicketType | None:
        return self.zones.get(self.cleaned_data["ticket_type"])


def zone_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Price zone"),
        required=False,
        error_messages={"invalid_choice": _("Choose a ticket type of this event.")},
    )


class SectionForm(PriceZoneMixin, forms.Form):
    name = forms.CharField(label=_("Section name"), max_length=MAX_NAME_LENGTH)
    rows = forms.IntegerField(
        label=_("Rows"),
        min_value=1,
        max_value=MAX_ROWS,
        error_messages={
            "min_value": _("At least 1 row."),
            "max_value": _("At most %(limit_value)s rows."),
        },
    )
    seats_per_row = forms.IntegerField(
        label=_("Seats per row"),
        min_value=1,
        max_value=MAX_SEATS_PER_ROW,
        error_messages={
            "min_value": _("At least 1 seat per row."),
            "max_value": _("At most %(limit_value)s seats per row."),
        },
    )
    ticket_type = zone_field()
    empty_label = _("No price zone yet")

    def spec(self) -> SectionSpec:
        data = self.cleaned_data
        return SectionSpec(data["name"], data["rows"], data["seats_per_row"], data["ticket_type"])


class BaseSectionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [form.cleaned_data for form in self.forms if form.cleaned_data]
        names = [data["name"].strip().casefold() for data in filled]
        if len(set(names)) != len(names):
            raise ValidationError(_("Give every section its own name."))
        total = sum(data["rows"] * data["seats_per_row"] for data in filled)
        if total > MAX_SEATS_PER_EVENT:
            raise ValidationError(
                _("A seat map holds at most %(max)s seats; these sections add up to %(total)s.")
                % {"max": f"{MAX_SEATS_PER_EVENT:,}", "total": f"{total:,}"}
            )

    def specs(self) -> list[SectionSpec]:
        return [form.spec() for form in self.forms if form.cleaned_data]


SectionFormSet = forms.formset_factory(
    SectionForm,
    formset=BaseSectionFormSet,
    extra=0,
    min_num=1,
    max_num=GENERATE_MAX_SECTIONS,
    absolute_max=GENERATE_MAX_SECTIONS,
    validate_min=True,
    validate_max=True,
)


class GenerateForm(forms.Form):
    """The parts of the generator outside the list of sections."""

    stage_label = forms.CharField(
        label=_("Stage label"),
        max_length=MAX_STAGE_LABEL_LENGTH,
        initial=_("Stage"),
        help_text=_("Shown above the seats, e.g. Stage, Screen or Pitch."),
    )
    confirm = forms.BooleanField(
        label=_("I understand this replaces the whole map, including removed seats and section names."),
        required=False,
    )

    def __init__(self, *args, replacing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.replacing = replacing
        if not replacing:
            del self.fields["confirm"]

    def clean_confirm(self):
        if not self.cleaned_data["confirm"]:
            raise ValidationError(_("Tick this box to replace the current map."))
        return True


class SectionRenameForm(forms.Form):
    name = forms.CharField(label=_("Section name"), max_length=MAX_NAME_LENGTH)


class SectionZoneForm(PriceZoneMixin, forms.Form):
    ticket_type = zone_field()


class SeatToggleForm(forms.Form):
    """One seat button was pressed: ``remove`` carries an available seat's id, ``restore`` a removed one's."""

    remove = forms.IntegerField(required=False, min_value=1)
    restore = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        if bool(data.get("remove")) == bool(data.get("restore")):
            raise ValidationError(_("Choose one seat."))
        return data

    @property
    def seat_id(self) -> int:
        return self.cleaned_data.get("remove") or self.cleaned_data["restore"]

    @property
    def removed(self) -> bool:
        return bool(self.cleaned_data.get("remove"))


def section_rows_from_post(data, *, prefix: str = SECTION_PREFIX) -> list[dict]:
    """The sections typed so far, as raw strings, to redraw the generator with one more or one fewer."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        total = 0
    total = max(0, min(total, GENERATE_MAX_SECTIONS))
    fields = ("name", "rows", "seats_per_row", "ticket_type")
    return [{field: data.get(f"{prefix}-{index}-{field}", "") for field in fields} for index in range(total)]
