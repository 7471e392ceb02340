"""Shared pieces of the organizer dashboard pages (``organizer_events``, ``organizer_ticket_types``,
``organizer_staff``).

Every object is fetched through a selector scoped to the signed-in organizer (admins see all), so another
organizer's event answers 404 on every page and every POST. Forms validate, services write, and each
outcome becomes a toast. Pages work without JavaScript; htmx only swaps parts of them in place.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from core.errors import NotFound
from core.views import OrganizerRequiredMixin
from events.models import Event
from events.selectors.organizer import event_get_for_organizer


def get_or_404(selector, **kwargs):
    """Call a scoped selector; its NotFound (someone else's object, or none at all) becomes a 404 page."""
    try:
        return selector(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def add_service_error(form, exc: Exception) -> None:
    """Put a service's refusal next to the field it names, or at the top of the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, exc.message)


def manage_url(event: Event, page: str = "event_detail") -> str:
    return reverse(f"organizer:{page}", args=[event.pk])


class OrganizerEventMixin(OrganizerRequiredMixin):
    """A page or action about one of the organizer's events (``pk`` in the URL)."""

    @cached_property
    def event(self) -> Event:
        return get_or_404(event_get_for_organizer, organizer=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "event": self.event,
            "now": timezone.now(),
            "editable": self.event.status in (Event.Status.DRAFT, Event.Status.PUBLISHED),
        }
