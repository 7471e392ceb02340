"""Plain helpers shared by the organizer dashboard page tests (test_views_organizer_*.py)."""

from django.urls import reverse


def url(name: str, *args) -> str:
    return reverse(f"organizer:{name}", args=args)


def toasts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def page_toasts(client, response) -> list[str]:
    """The toasts shown on the page a POST redirected to."""
    return toasts(client.get(response.url))


def event_post(category, **overrides) -> dict:
    """A valid event form submission: an online event on 12 June 2031, 19:30–23:00 Berlin time."""
    data = {
        "title": "Jazz by the River",
        "summary": "Open-air jazz.",
        "description": "Bring a blanket.",
        "category": category.pk,
        "venue": "",
        "online_url": "https://meet.example.com/jazz",
        "starts_at": "2031-06-12T19:30",
        "ends_at": "2031-06-12T23:00",
        "timezone": "Europe/Berlin",
        "visibility": "public",
        "currency": "EUR",
        "max_tickets_per_order": "10",
        "max_tickets_per_user": "",
        "refund_fee": "0",
        "refund-TOTAL_FORMS": "3",
        "refund-INITIAL_FORMS": "0",
        "refund-MIN_NUM_FORMS": "0",
        "refund-MAX_NUM_FORMS": "1000",
    }
    for index in range(3):
        data[f"refund-{index}-percent"] = ""
        data[f"refund-{index}-hours_before"] = ""
    for name in ("name", "address", "city", "postal_code", "country"):
        data[f"venue-{name}"] = ""
    data.update(overrides)
    return data


def ticket_type_post(**overrides) -> dict:
    return {
        "name": "Standard",
        "description": "",
        "price": "25.00",
        "capacity": "100",
        "pool": "",
        "sales_start": "",
        "sales_end": "",
        "min_per_order": "1",
        "max_per_order": "10",
        "unlock_code": "",
        **overrides,
    }
