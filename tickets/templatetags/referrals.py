"""Formatting helpers for the referral program's templates."""

from django import template

register = template.Library()


@register.filter
def share_card_for(cards: dict | None, event_pk: int):
    """The "Share and save" card of one event from ``share_cards_for``'s mapping, or None."""
    return (cards or {}).get(event_pk)
