"""Celery adapters for the catalogue: dynamic prices that change with time."""

from celery import shared_task
from django.utils import timezone

from events.services.pricing import dynamic_prices_record_due


@shared_task
def record_dynamic_prices() -> int:
    """Record the price changes time and demand caused (early-bird ends, last-minute starts, demand fades)."""
    return dynamic_prices_record_due(now=timezone.now())
