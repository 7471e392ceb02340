"""The organizer dashboard: my events, the event form, and each event's overview and life-cycle actions
(publish, unpublish, duplicate, cancel, delete). Ticket types live in ``organizer_ticket_types``, gate staff
in ``organizer_staff``; the shared scoping rules in ``organizer_base``.
"""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError
from core.views import OrganizerRequiredMixin
from events import forms
from events.models import Event
from events.selectors.organizer import (
    EVENT_TABS,
    event_counts_for_organizer,
    event_list_for_organizer,
    event_tab_filter,
    ticket_type_list_for_event,
)
from events.services.events import (
    event_cancel,
    event_create,
    event_delete,
    event_duplicate,
    event_publish,
    event_unpublish,
    event_update,
    venue_create,
)
from events.views.organizer_base import OrganizerEventMixin, add_service_error, manage_url

# --- My events ---------------------------------------------------------------------------------------


class EventListView(OrganizerRequiredMixin, TemplateView):
    template_name = "events/dashboard/event_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        now = timezone.now()
        tab = self.request.GET.get("tab", "all")
        if tab not in EVENT_TABS:
            tab = "all"
        counts = event_counts_for_organizer(organizer=self.request.user, now=now)
        events = event_list_for_organizer(organizer=self.request.user).filter(event_tab_filter(tab=tab, now=now))
        if tab in ("draft", "published"):
            events = events.order_by("starts_at", "id")
        page = Paginator(events, self.paginate_by).get_page(self.request.GET.get("page"))
        tab_labels = {
            "all": _("All"),
            "draft": _("Drafts"),
            "published": _("Published"),
            "cancelled": _("Cancelled"),
            "past": _("Past"),
        }
        return {
            **super().get_context_data(**kwargs),
            "now": now,
            "tab": tab,
            "tabs": [(key, tab_labels[key], counts[key]) for key in EVENT_TABS],
            "page": page,
            "events": list(page.object_list),
        }


# --- Create and edit -----------------------------------------------------------------------------------


class EventFormMixin:
    """The event form, the optional new venue and the refund tiers, validated together."""

    success_message = ""

    def build_forms(self, event: Event, *, bound: bool) -> dict:
        data, files = (self.request.POST, self.request.FILES) if bound else (None, None)
        return {
            "form": forms.EventForm(data, files, instance=event, organizer=event.organizer, now=timezone.now()),
            "venue_form": forms.VenueForm(data, prefix="venue"),
            "refund_tiers": forms.refund_tier_formset(data=data, event=event),
        }

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            kwargs.update(self.build_forms(self.form_event(), bound=False))
        return super().get_context_data(**kwargs)

    def form_event(self) -> Event:
        """The event the form validates (never the stored one: a ModelForm writes onto its instance)."""
        raise NotImplementedError

    def save(self, data: dict) -> Event:
        """Call the service with the shaped data; may raise DomainError or ValidationError."""
        raise NotImplementedError

    def post(self, request, **kwargs):
        event = self.form_event()
        bundle = self.build_forms(event, bound=True)
        if forms.event_forms_are_valid(**bundle):
            try:
                # A new venue and the event are saved together, or neither is.
                with transaction.atomic():
                    saved = self.save(self.service_data(bundle, organizer=event.organizer))
            except (DomainError, ValidationError) as exc:
                add_service_error(bundle["form"], exc)
            else:
                messages.success(request, self.success_message)
                return redirect(self.get_success_url(saved))
        return self.render_to_response(self.get_context_data(**bundle))

    def service_data(self, bundle: dict, *, organizer) -> dict:
        """What the form holds, shaped for event_create / event_update; creates the typed-in venue."""
        form, venue_form = bundle["form"], bundle["venue_form"]
        data = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "cover"}
        if "cover" in form.changed_data:  # a new upload (without one, cleaned_data holds the stored file)
            data["cover"] = form.cleaned_data["cover"]
        elif form.cleaned_data["remove_cover"]:
            data["cover"] = ""
        data["venue"] = form.cleaned_data["venue"]
        if venue_form.has_changed():
            data["venue"] = venue_create(organizer=organizer, data=venue_form.cleaned_data, now=timezone.now())
        data["refund_policy"] = bundle["refund_tiers"].tiers
        return data


class EventCreateView(EventFormMixin, OrganizerRequiredMixin, TemplateView):
    template_name = "events/dashboard/event_create.html"
    success_message = gettext_lazy("Your draft is saved. Add ticket types, then publish it.")

    def form_event(self) -> Event:
        return Event(organizer=self.request.user)

    def save(self, data: dict) -> Event:
        return event_create(organizer=self.request.user, data=data, now=timezone.now())

    def get_success_url(self, event: Event) -> str:
        return manage_url(event, "event_tickets")


class EventUpdateView(EventFormMixin, OrganizerEventMixin, TemplateView):
    template_name = "events/dashboard/event_edit.html"
    success_message = gettext_lazy("Your changes are saved.")

    def form_event(self) -> Event:
        # A copy, so the page header keeps showing the stored event when the form comes back with errors.
        return copy.copy(self.event)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "active_tab": "edit"}

    def save(self, data: dict) -> Event:
        return event_update(event=self.event, actor=self.request.user, data=data, now=timezone.now())

    def get_success_url(self, event: Event) -> str:
        return manage_url(event)


# --- One event: overview and its actions ----------------------------------------------------------------


class EventDetailView(OrganizerEventMixin, TemplateView):
    template_name = "events/dashboard/event_overview.html"

    def get_context_data(self, **kwargs):
        ticket_types = list(ticket_type_list_for_event(event=self.event))
        sold = sum(ticket_type.sold for ticket_type in ticket_types)
        now = timezone.now()
        checklist = [
            (bool(ticket_types), _("At least one ticket type")),
            (self.event.starts_at > now, _("The start is in the future")),
            (bool(self.event.description), _("A description (recommended)")),
            (bool(self.event.cover), _("A cover image (recommended)")),
        ]
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "overview",
            "ticket_types": ticket_types,
            "sold": sold,
            "held": sum(ticket_type.held for ticket_type in ticket_types),
            "capacity": sum(ticket_type.capacity for ticket_type in ticket_types),
            "checklist": checklist,
        }


class EventActionView(OrganizerEventMixin, View):
    """A button on the event pages: run one service, toast the outcome, go back to the overview."""

    http_method_names = ["post"]
    success_message = ""

    def post(self, request, pk: int):
        try:
            target = self.perform(self.event)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(manage_url(self.event))
        messages.success(request, self.success_message)
        return redirect(target or manage_url(self.event))

    def perform(self, event: Event) -> str | None:
        """Do the work; return the URL to go to next, or None for the event's overview."""
        raise NotImplementedError


class EventPublishView(EventActionView):
    success_message = gettext_lazy("Your event is published and on sale.")

    def perform(self, event):
        event_publish(event=event, actor=self.request.user, now=timezone.now())


class EventUnpublishView(EventActionView):
    success_message = gettext_lazy("Your event is a draft again and no longer visible.")

    def perform(self, event):
        event_unpublish(event=event, actor=self.request.user, now=timezone.now())


class EventDuplicateView(EventActionView):
    success_message = gettext_lazy("A copy is saved as a draft. Check its dates before publishing.")

    def perform(self, event):
        duplicate = event_duplicate(event=event, actor=self.request.user, now=timezone.now())
        return manage_url(duplicate, "event_edit")


class EventCancelView(OrganizerEventMixin, TemplateView):
    """Confirm with a reason; cancelling cannot be undone."""

    template_name = "events/dashboard/event_cancel.html"

    def get_context_data(self, **kwargs):
        from tickets.selectors_cancellations import event_cancellation_preview

        kwargs.setdefault("form", forms.EventCancelForm())
        ticket_types = ticket_type_list_for_event(event=self.event)
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "overview",
            "sold": sum(ticket_type.sold for ticket_type in ticket_types),
            "preview": event_cancellation_preview(event=self.event),
        }

    def post(self, request, pk: int):
        form = forms.EventCancelForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            event_cancel(event=self.event, actor=request.user, reason=form.cleaned_data["reason"], now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(manage_url(self.event))
        messages.success(request, _("The event is cancelled. Ticket holders will be refunded and told why."))
        return redirect(manage_url(self.event))


class EventDeleteView(OrganizerEventMixin, TemplateView):
    """Confirm, then delete an event nothing was sold for."""

    template_name = "events/dashboard/event_delete.html"

    def get_context_data(self, **kwargs):
        ticket_types = ticket_type_list_for_event(event=self.event)
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "overview",
            "taken": sum(ticket_type.sold + ticket_type.held for ticket_type in ticket_types),
        }

    def post(self, request, pk: int):
        title = self.event.title
        try:
            event_delete(event=self.event, actor=request.user, now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(manage_url(self.event))
        messages.success(request, _("“%(title)s” is deleted.") % {"title": title})
        return redirect("organizer:event_list")
