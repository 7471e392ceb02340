"""Formatting for the check-in and audit pages (formatting only: no queries)."""

from django import template

register = template.Library()


@register.filter
def audit_value(value) -> str:
    """An audit entry's detail as plain words: lists joined by commas, mappings as "key: value" pairs."""
    if isinstance(value, list | tuple):
        return ", ".join(audit_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {audit_value(item)}" for key, item in value.items())
    if value is None or value == "":
        return "—"
    return str(value)
