"""Formatting for transfers."""

from django import template

register = template.Library()


@register.filter
def email_masked(address: str | None) -> str:
    """``ada.lovelace@example.com`` → ``a…@example.com``: enough for the sender to recognise, little to leak."""
    if not address or "@" not in address:
        return "…"
    local, domain = address.rsplit("@", 1)
    return f"{local[:1]}…@{domain}"
