"""Organizer dashboard forms: the event (with its venue and refund tiers), cancelling it, its gate staff.
They validate input and shape it for the services; they never save. Ticket types and shared capacities are
in ``events.forms_ticket_types``, the seat map editor's forms in ``events.forms_seating``.

Times are typed as wall-clock times (``<input type="datetime-local">``) in the event's time zone and leave
``clean()`` as aware UTC datetimes.
"""

import zoneinfo
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Venue
from events.questions import ApplicationQuestionsField

COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_FORMATS = {"JPEG", "PNG", "WEBP"}
COVER_MAX_PIXELS = 40_000_000

CURRENCIES = [
    ("EUR", _("EUR — euro")),
    ("USD", _("USD — US dollar")),
    ("GBP", _("GBP — pound sterling")),
    ("CHF", _("CHF — Swiss franc")),
    ("SEK", _("SEK — Swedish krona")),
    ("NOK", _("NOK — Norwegian krone")),
    ("DKK", _("DKK — Danish krone")),
    ("PLN", _("PLN — Polish złoty")),
    ("CZK", _("CZK — Czech koruna")),
    ("CAD", _("CAD — Canadian dollar")),
    ("AUD", _("AUD — Australian dollar")),
]

TIME_ZONES = [
    (_("Europe"), ["Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Brussels",
                   "Europe/Amsterdam", "Europe/Berlin", "Europe/Zurich", "Europe/Vienna", "Europe/Rome",
                   "Europe/Madrid", "Europe/Copenhagen", "Europe/Oslo", "Europe/Stockholm", "Europe/Warsaw",
                   "Europe/Prague", "Europe/Helsinki", "Europe/Athens", "Europe/Istanbul"]),
    (_("Americas"), ["America/New_York", "America/Toronto", "America/Chicago", "America/Denver",
                     "America/Los_Angeles", "America/Mexico_City", "America/Sao_Paulo", "America/Buenos_Aires"]),
    (_("Africa and Asia"), ["Africa/Lagos", "Africa/Nairobi", "Africa/Johannesburg", "Asia/Dubai",
                            "Asia/Kolkata", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Tokyo"]),
    (_("Oceania"), ["Australia/Sydney", "Pacific/Auckland"]),
    (_("Other"), ["UTC"]),
]  # fmt: skip


def time_zone_choices(current: str | None = None) -> list:
    """Common IANA zones grouped by region, plus ``current`` when an event already uses another one."""
    groups = [
        (region, [(name, name.split("/")[-1].replace("_", " ")) for name in names]) for region, names in TIME_ZONES
    ]
    known = {name for _region, names in TIME_ZONES for name in names}
    if current and current not in known:
        groups.append((_("Current"), [(current, current)]))
    return groups


def local_to_utc(value: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """Attach ``tz`` to a wall-clock time and convert it to UTC.

    Raises: ValidationError for a time the clocks skip (the hour lost when daylight saving time starts).
    """
    aware = value.replace(tzinfo=tz)
    utc = aware.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != value:
        raise ValidationError(
            _("%(time)s does not exist in %(zone)s: the clocks skip that hour. Pick another time."),
            params={"time": value.strftime("%H:%M"), "zone": tz.key},
        )
    return utc


def utc_to_local(value: datetime | None, tz: zoneinfo.ZoneInfo) -> datetime | None:
    return value.astimezone(tz).replace(tzinfo=None) if value else None


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time without a zone; the form attaches the event's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        # Parse as UTC so Django's current time zone plays no part, then drop the zone again.
        with timezone.override(UTC):
            parsed = super().to_python(value)
        return parsed.replace(tzinfo=None, second=0, microsecond=0) if parsed else None

    def prepare_value(self, value):
        return value


class CoverImageField(forms.ImageField):
    """JPEG, PNG or WebP up to 5 MB, checked by content (Pillow), never by the file name."""

    default_error_messages = {
        "invalid_image": _("This file is not an image we can use. Upload a JPEG, PNG or WebP picture."),
    }

    def to_python(self, data):
        # Refuse big files before Pillow opens them.
        if data and getattr(data, "size", 0) > COVER_MAX_BYTES:
            raise ValidationError(
                _("The image is %(size)s MB; the limit is 5 MB."),
                code="too_big",
                params={"size": f"{data.size / 1024 / 1024:.1f}"},
            )
        upload = super().to_python(data)  # Django opens and verifies it with Pillow
        if upload is None:
            return None
        image = upload.image
        if image.format not in COVER_FORMATS:
            raise ValidationError(
                _("Upload a JPEG, PNG or WebP picture (this one is %(format)s)."),
                params={"format": image.format or _("unknown")},
            )
        if image.width * image.height > COVER_MAX_PIXELS:
            raise ValidationError(_("The image has too many pixels (at most 40 megapixels)."))
        return upload


class EventForm(forms.ModelForm):
    """Details of an event. ``venue`` and the refund tiers are shaped here and handed to the service."""

    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.none(),
        required=False,
        empty_label=_("No venue — online event"),
        help_text=_("Or add a new venue below."),
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    timezone = forms.ChoiceField(label=_("Time zone"), help_text=_("Start and end are times in this zone."))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("For online or hybrid events. Shown to ticket holders only."),
    )
    cover = CoverImageField(
        label=_("Cover image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP, at most 5 MB. A wide picture (about 1600 × 900) looks best."),
    )
    remove_cover = forms.BooleanField(label=_("Remove the current picture"), required=False)
    application_questions = ApplicationQuestionsField(
        label=_("Questions for applicants"),
        help_text=_(
            "Only for events that require approval. One question per line; end a line with “(optional)” if it "
            "may be left blank. Applicants always give their name, e-mail, phone and team."
        ),
    )

    class Meta:
        model = Event
        fields = [
            "title", "summary", "description", "category", "online_url", "starts_at", "ends_at", "timezone",
            "cover", "visibility", "currency", "max_tickets_per_order", "max_tickets_per_user", "requires_approval",
            "application_questions",
            "refund_fee", "transfers_enabled", "transfer_cutoff_hours",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "refund_fee": _("Kept from every refund, in the event's currency."),
        }

    def __init__(self, *args, organizer, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        event = self.instance
        self.fields["venue"].queryset = Venue.objects.filter(organizer=organizer).order_by("name", "id")
        self.fields["timezone"].choices = time_zone_choices(event.timezone)
        if event.currency not in dict(CURRENCIES):
            self.fields["currency"].choices = [*CURRENCIES, (event.currency, event.currency)]
        self.fields["category"].empty_label = _("Choose a category")
        self.fields["max_tickets_per_order"].widget.attrs["min"] = 1
        self.fields["max_tickets_per_user"].widget.attrs["min"] = 1
        self.fields["refund_fee"].widget.attrs["min"] = 0
        self.fields["transfer_cutoff_hours"].widget.attrs.update(min=0, max=24 * 365)
        if event.pk:
            self.initial["venue"] = event.venue_id
            self.initial["starts_at"] = utc_to_local(event.starts_at, event.tz)
            self.initial["ends_at"] = utc_to_local(event.ends_at, event.tz)

    def clean_max_tickets_per_order(self):
        limit = self.cleaned_data.get("max_tickets_per_order")
        if limit is not None and limit < 1:
            raise ValidationError(_("Allow at least 1 ticket per order."))
        return limit

    def clean_max_tickets_per_user(self):
        limit = self.cleaned_data.get("max_tickets_per_user")
        if limit is not None and limit < 1:
            raise ValidationError(_("Leave it empty for no limit, or allow at least 1 ticket."))
        return limit

    def clean_refund_fee(self):
        fee = self.cleaned_data.get("refund_fee")
        if fee is not None and fee < 0:
            raise ValidationError(_("The refund fee cannot be negative."))
        return fee

    def clean(self):
        cleaned = super().clean()
        tz_name = cleaned.get("timezone")
        if not tz_name:
            # Without a zone the typed times mean nothing; the zone's own error says why.
            cleaned.pop("starts_at", None), cleaned.pop("ends_at", None)
            return cleaned
        tz = zoneinfo.ZoneInfo(tz_name)
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name) is not None:
                try:
                    cleaned[name] = local_to_utc(cleaned[name], tz)
                except ValidationError as exc:
                    self.add_error(name, exc)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        if starts and starts != self.instance.starts_at and starts <= self.now:
            self.add_error("starts_at", _("The start is in the past. Pick a date and time to come."))
        return cleaned


class VenueForm(forms.ModelForm):
    """A new venue typed on the event form. Empty means "no new venue"."""

    class Meta:
        model = Venue
        fields = ["name", "address", "city", "postal_code", "country"]
        labels = {"name": _("Venue name")}
        widgets = {
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.TextInput(attrs={"autocomplete": "country", "maxlength": 2, "class": "input-country"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_permitted = True
        self.use_required_attribute = False

    def has_changed(self) -> bool:
        return any(self.data.get(self.add_prefix(name), "").strip() for name in self.fields)

    def clean_country(self):
        country = self.cleaned_data.get("country", "").strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise ValidationError(_("Use the two-letter country code, e.g. DE, FR or GB."))
        return country


class RefundTierForm(forms.Form):
    """One tier: "<percent> % back until <hours_before> hours before the start". Both empty: no tier."""

    percent = forms.IntegerField(
        label=_("Refund %"), required=False, min_value=0, max_value=100, widget=forms.NumberInput(attrs={"step": 1})
    )
    hours_before = forms.IntegerField(
        label=_("Until hours before the start"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": 1}),
    )

    def clean(self):
        cleaned = super().clean()
        percent, hours = cleaned.get("percent"), cleaned.get("hours_before")
        if self.errors:
            return cleaned
        if percent is None and hours is not None:
            self.add_error("percent", _("Enter the percentage refunded."))
        elif hours is None and percent is not None:
            self.add_error("hours_before", _("Enter until how many hours before the start."))
        return cleaned


class BaseRefundTierFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        hours = [
            form.cleaned_data["hours_before"] for form in self.forms if form.cleaned_data.get("percent") is not None
        ]
        if len(hours) != len(set(hours)):
            raise ValidationError(_("Two tiers have the same number of hours. Keep one of them."))

    @property
    def tiers(self) -> list[dict]:
        """The filled-in tiers as stored on the event: sorted by hours, longest notice first."""
        rows = [
            {"hours_before": form.cleaned_data["hours_before"], "percent": form.cleaned_data["percent"]}
            for form in self.forms
            if form.cleaned_data.get("percent") is not None
        ]
        return sorted(rows, key=lambda row: row["hours_before"], reverse=True)


def event_forms_are_valid(*, form: EventForm, venue_form: VenueForm, refund_tiers) -> bool:
    """Validate the event, the optional new venue and the refund tiers together (all errors at once)."""
    valid = all([form.is_valid(), venue_form.is_valid(), refund_tiers.is_valid()])
    has_place = form.cleaned_data.get("venue") or form.cleaned_data.get("online_url")
    if not {"venue", "online_url"} & form.errors.keys() and not has_place and not venue_form.has_changed():
        form.add_error("venue", _("Choose a venue, add a new one below, or give an online link."))
        valid = False
    return valid


RefundTierFormSet = forms.formset_factory(RefundTierForm, formset=BaseRefundTierFormSet, extra=2, max_num=8)


def refund_tier_formset(*, data=None, event: Event) -> BaseRefundTierFormSet:
    """The event's tiers and empty rows to add more (three when there are none yet)."""
    formset = RefundTierFormSet(data=data, initial=event.refund_policy or [], prefix="refund")
    if not event.refund_policy:
        formset.extra = 3
    return formset


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to every ticket holder"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone and every buyer is refunded in full.")
    )


class StaffAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of their account"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@example.com"}),
    )
