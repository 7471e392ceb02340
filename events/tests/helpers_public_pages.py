"""Plain helpers shared by the public page tests (test_views_public*.py)."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.tests.factories import CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory

LIST_URL = reverse("events:list")


def detail_url(event: Event, **params) -> str:
    url = reverse("events:detail", args=[event.slug])
    return f"{url}?{urlencode(params)}" if params else url


def make_catalogue(count: int) -> list[Event]:
    """Events spread over categories and cities, each with two ticket types, one of them partly sold."""
    categories = [CategoryFactory(slug=f"cat-{n}", name=f"Category {n}") for n in range(3)]
    events = []
    for n in range(count):
        event = EventFactory(
            category=categories[n % 3],
            venue=VenueFactory(city=["Berlin", "Lisbon", "Oslo"][n % 3]),
            featured=n % 5 == 0,
            starts_at=timezone.now() + timedelta(days=n + 1),
        )
        TicketTypeFactory(event=event, price=Decimal("10.00") + n, sold=n % 4)
        TicketTypeFactory(event=event, price=Decimal("50.00"))
        events.append(event)
    return events
