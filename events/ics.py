"""iCalendar (.ics) files for events, so people can add them to their calendar."""

from datetime import UTC, datetime

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from events.models import Event

PRODUCT_ID = "-//EventHorizon//Event calendar//EN"


def event_location(event: Event) -> str:
    """One line for calendars and maps: 'Hall, 1 Main Street, 10115 Berlin, DE' or 'Online event'."""
    if event.venue is None:
        return "Online event"
    venue = event.venue
    city = f"{venue.postal_code} {venue.city}".strip()
    return ", ".join(part for part in (venue.name, venue.address, city, venue.country) if part)


def event_calendar(*, event: Event, url: str, now: datetime) -> bytes:
    """An iCalendar file with the event in UTC, its location, description and page URL.

    The UID is stable per event, so importing an updated file replaces the earlier entry; SEQUENCE grows with
    each change (seconds since the event was created) and a cancelled event carries STATUS:CANCELLED.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{_uid_domain()}")
    entry.add("dtstamp", now.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.title)
    entry.add("description", "\n\n".join(part for part in (event.summary, event.description, url) if part))
    entry.add("location", event_location(event))
    entry.add("url", url)
    entry.add("sequence", max(0, int((event.updated_at - event.created_at).total_seconds())))
    entry.add("last-modified", event.updated_at.astimezone(UTC))
    entry.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    if event.venue is not None and event.venue.latitude is not None and event.venue.longitude is not None:
        entry.add("geo", (float(event.venue.latitude), float(event.venue.longitude)))
    calendar.add_component(entry)
    return calendar.to_ical()


def _uid_domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "eventhorizon"
