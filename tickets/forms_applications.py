"""Forms of the application pages. They shape input; ``tickets.services.applications`` decides (team size,
answers, the content of attachments) and its field errors are put back next to the fields here."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import phone_validator
from events.models import Event, TicketType
from events.questions import OPTIONAL_MARK
from events.templatetags.catalogue import price_label
from tickets.attachments import MAX_ATTACHMENTS
from tickets.services.applications import MAX_ANSWER_LENGTH, MAX_REASON_LENGTH, ApplicationDetails

ATTACHMENT_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(item, initial) for item in files if item]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Attach at most %(limit)s files."), params={"limit": MAX_ATTACHMENTS})
        return files


def question_label(question: dict) -> str:
    """The question as a field label; the field itself says "(optional)", so the organizer's mark goes."""
    label = question["label"]
    if not question.get("required", True) and label.lower().endswith(OPTIONAL_MARK):
        label = label[: -len(OPTIONAL_MARK)].rstrip(" :-–—")
    return label or question["label"]


class ApplicationForm(forms.Form):
    """Who applies, who comes along, the organizer's questions and supporting files."""

    ticket_type = forms.TypedChoiceField(
        label=_("Applying for"), coerce=int, widget=forms.RadioSelect, empty_value=None
    )
    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Shared with the organizer. Our e-mails about this application go to your account address."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    team_name = forms.CharField(label=_("Team name"), max_length=100, required=False)
    team_members = forms.CharField(
        label=_("Team members"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("One name per line")}),
        help_text=_("The people coming with you, one per line. Each gets a ticket when you are approved."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 3 files: PDF, PNG or JPG, at most 5 MB each (a CV, a portfolio, a project sketch)."),
    )

    def __init__(self, *args, event: Event, ticket_types: list[TicketType], **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.ticket_types = {tt.pk: tt for tt in ticket_types}
        self.fields["ticket_type"].choices = [
            (tt.pk, f"{tt.name} — {price_label(tt.price, event.currency)}") for tt in ticket_types
        ]
        if len(ticket_types) == 1:  # nothing to choose: the service takes the only one
            self.fields["ticket_type"].widget = forms.HiddenInput()
            self.fields["ticket_type"].initial = ticket_types[0].pk
            self.fields["ticket_type"].required = False
        self.question_fields = []
        for index, question in enumerate(event.application_questions or []):
            name = f"q_{index}"
            self.fields[name] = forms.CharField(
                label=question_label(question),
                required=question.get("required", True),
                max_length=MAX_ANSWER_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.question_fields.append(name)

    def clean_team_members(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["team_members"].splitlines() if line.strip()]

    @property
    def details(self) -> ApplicationDetails:
        data = self.cleaned_data
        return ApplicationDetails(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            team_name=data["team_name"],
            team_members=tuple(data["team_members"]),
        )

    @property
    def answers(self) -> list[str]:
        return [self.cleaned_data.get(name, "") for name in self.question_fields]

    @property
    def chosen_ticket_type(self) -> TicketType | None:
        return self.ticket_types.get(self.cleaned_data.get("ticket_type"))

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put the service's field errors next to the fields (``answers.<i>`` is question field ``q_<i>``)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            name = f"q_{key.split('.', 1)[1]}" if key.startswith("answers.") else key
            self.add_error(name if name in self.fields else None, messages)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the applicant"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell the applicant why: the reason is sent to them.")},
    )
