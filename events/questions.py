"""The questions an approval-required event asks its applicants (``Event.application_questions``).

Stored as a list of ``{"label": str, "required": bool}``. Organizers type them one per line; a line that ends
with "(optional)" may be left unanswered, every other one must be answered.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_QUESTIONS = 10
MAX_LABEL_LENGTH = 200
OPTIONAL_MARK = "(optional)"


def questions_from_text(text: str) -> list[dict]:
    """One question per non-empty line; "(optional)" at the end of a line makes it optional.

    Raises: ValidationError (too many, too long, or the same question twice).
    """
    questions, seen = [], set()
    for line in (text or "").splitlines():
        label = " ".join(line.split())
        if not label:
            continue
        if len(label) > MAX_LABEL_LENGTH:
            raise ValidationError(
                _("Keep each question under %(limit)s characters."), params={"limit": MAX_LABEL_LENGTH}
            )
        if label.lower() in seen:
            raise ValidationError(_("“%(label)s” is there twice."), params={"label": label})
        seen.add(label.lower())
        required = not label.lower().endswith(OPTIONAL_MARK)
        questions.append({"label": label, "required": required})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(_("Ask at most %(limit)s questions."), params={"limit": MAX_QUESTIONS})
    return questions


def questions_to_text(questions) -> str:
    if isinstance(questions, str):
        return questions
    return "\n".join(question["label"] for question in questions or [] if question.get("label"))


def questions_clean(value) -> list[dict]:
    """Questions given as a list (the API): labels or {label, required}; shaped like ``questions_from_text``.

    Raises: ValidationError.
    """
    if not isinstance(value, list):
        raise ValidationError(_("Give a list of questions."))
    lines = []
    for item in value:
        if isinstance(item, str):
            lines.append(item)
        elif isinstance(item, dict) and isinstance(item.get("label"), str):
            label = " ".join(item["label"].split())
            optional = item.get("required") is False and not label.lower().endswith(OPTIONAL_MARK)
            lines.append(f"{label} {OPTIONAL_MARK}" if optional else label)
        else:
            raise ValidationError(_("Each question needs a label."))
        if "\n" in lines[-1]:
            raise ValidationError(_("A question fits on one line."))
    return questions_from_text("\n".join(lines))


class ApplicationQuestionsField(forms.CharField):
    """A textarea with one question per line, cleaned into the stored list."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        return questions_to_text(value)

    def to_python(self, value):
        return questions_from_text(super().to_python(value))

    def has_changed(self, initial, data) -> bool:
        try:
            return questions_to_text(initial) != questions_to_text(questions_from_text(data or ""))
        except ValidationError:
            return True
