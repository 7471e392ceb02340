"""Formatting helpers for templates: widgets get the design system's classes and ARIA wiring."""

from django import forms, template

register = template.Library()

CHECK_WIDGETS = (forms.CheckboxInput,)
CHOICE_LIST_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)
SELECT_WIDGETS = (forms.Select, forms.SelectMultiple)


@register.filter
def widget_kind(field) -> str:
    """'check', 'choices', 'select', 'file' or 'input' — how components/field.html lays the field out."""
    widget = field.field.widget
    if isinstance(widget, CHECK_WIDGETS):
        return "check"
    if isinstance(widget, CHOICE_LIST_WIDGETS):
        return "choices"
    if isinstance(widget, SELECT_WIDGETS):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.filter
def as_control(field):
    """Render the widget with Bootstrap's class, validity state and described-by ids."""
    kind = widget_kind(field)
    css = {"check": "form-check-input", "select": "form-select", "choices": ""}.get(kind, "form-control")
    css += " " + field.field.widget.attrs.get("class", "")
    if field.errors:
        css += " is-invalid"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs = {"class": css.strip()}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if kind == "choices":
        attrs.pop("class")
    return field.as_widget(attrs=attrs)


@register.filter
def message_level(message) -> str:
    """Map a Django message to the toast's colour."""
    tags = message.tags or "info"
    return {"error": "danger", "debug": "secondary"}.get(tags.split()[-1], tags.split()[-1])


@register.filter
def initials(user) -> str:
    parts = (getattr(user, "name", "") or getattr(user, "email", "?")).split()
    return "".join(part[0] for part in parts[:2]).upper() or "?"
