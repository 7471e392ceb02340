"""The organizer dashboard: my events, the event form, and each event's overview, tickets and gate staff.

Every object is fetched through a selector scoped to the signed-in organizer (admins see all), so another
organizer's event answers 404 on every page and every POST. Forms validate, services write, and each
outcome becomes a toast. Pages work without JavaScript; htmx only swaps parts of them in place.
"""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import push_url

from core.errors import DomainError, NotFound
from core.views import OrganizerRequiredMixin
from events import forms
from events.models import Event, TicketType
from events.selectors.organizer import (
    EVENT_TABS,
    capacity_pool_get_for_organizer,
    capacity_pool_list_for_event,
    event_counts_for_organizer,
    event_get_for_organizer,
    event_list_for_organizer,
    event_staff_list,
    event_tab_filter,
    ticket_type_get_for_organizer,
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
from events.services.staff import staff_add, staff_remove
from events.services.ticket_types import (
    capacity_pool_delete,
    capacity_pool_save,
    ticket_type_create,
    ticket_type_delete,
    ticket_type_update,
)


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
        kwargs.setdefault("form", forms.EventCancelForm())
        ticket_types = ticket_type_list_for_event(event=self.event)
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "overview",
            "sold": sum(ticket_type.sold for ticket_type in ticket_types),
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


# --- Ticket types and shared capacity --------------------------------------------------------------------


class EventTicketsView(OrganizerEventMixin, TemplateView):
    """The ticket types table, the add-or-edit form and the shared capacities, on one page.

    The sub-views below render this page again with their bound form when the input is refused.
    """

    template_name = "events/dashboard/event_tickets.html"

    def get_context_data(self, **kwargs):
        event = self.event
        editing = kwargs.get("editing")
        kwargs.setdefault("ticket_type_form", None)
        if kwargs["ticket_type_form"] is None:
            instance = copy.copy(editing) if editing else TicketType(event=event)
            kwargs["ticket_type_form"] = forms.TicketTypeForm(instance=instance, event=event)
        kwargs.setdefault("pool_form", forms.CapacityPoolForm(prefix="pool"))
        bound_pool_form = kwargs.pop("bound_pool_form", None)
        pools = list(capacity_pool_list_for_event(event=event))
        pool_rows = [
            (
                pool,
                bound_pool_form
                if bound_pool_form is not None and bound_pool_form.instance.pk == pool.pk
                else forms.CapacityPoolForm(instance=pool, prefix=f"pool-{pool.pk}"),
            )
            for pool in pools
        ]
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "tickets",
            "ticket_types": list(ticket_type_list_for_event(event=event)),
            "pool_rows": pool_rows,
        }

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.request.htmx:
            # htmx swaps this page in place; keep the address bar on a URL that reloads the same page
            # (never on a POST-only one such as .../tickets/new/).
            editing = context.get("editing")
            page_url = (
                reverse("organizer:ticket_type_edit", args=[self.event.pk, editing.pk])
                if editing
                else manage_url(self.event, "event_tickets")
            )
            push_url(response, page_url)
        return response


class TicketTypeFormMixin(EventTicketsView):
    http_method_names = ["post"]

    def save(self, form, ticket_type: TicketType | None):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if ticket_type is None:
            return ticket_type_create(event=self.event, actor=self.request.user, data=data, now=timezone.now())
        return ticket_type_update(ticket_type=ticket_type, actor=self.request.user, data=data, now=timezone.now())

    def submit(self, ticket_type: TicketType | None):
        instance = copy.copy(ticket_type) if ticket_type else TicketType(event=self.event)
        form = forms.TicketTypeForm(self.request.POST, instance=instance, event=self.event)
        if form.is_valid():
            try:
                saved = self.save(form, ticket_type)
            except ValidationError as exc:
                add_service_error(form, exc)
            except DomainError as exc:
                field = {"capacity_below_sold": "capacity", "ticket_type_in_use": "pool"}.get(exc.code)
                form.add_error(field, exc.message)
            else:
                messages.success(self.request, _("“%(name)s” is saved.") % {"name": saved.name})
                return redirect(manage_url(self.event, "event_tickets"))
        return self.render_to_response(self.get_context_data(ticket_type_form=form, editing=ticket_type))


class TicketTypeCreateView(TicketTypeFormMixin):
    def post(self, request, pk: int):
        return self.submit(None)


class TicketTypeUpdateView(TicketTypeFormMixin):
    http_method_names = ["get", "post"]

    @cached_property
    def ticket_type(self) -> TicketType:
        ticket_type = get_or_404(ticket_type_get_for_organizer, organizer=self.request.user, pk=self.kwargs["tt"])
        if ticket_type.event_id != self.event.pk:
            raise Http404
        return ticket_type

    def get(self, request, pk: int, tt: int):
        return self.render_to_response(self.get_context_data(editing=self.ticket_type))

    def post(self, request, pk: int, tt: int):
        return self.submit(self.ticket_type)


class TicketTypeDeleteView(TicketTypeUpdateView):
    http_method_names = ["post"]

    def post(self, request, pk: int, tt: int):
        name = self.ticket_type.name
        try:
            ticket_type_delete(ticket_type=self.ticket_type, actor=request.user, now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("“%(name)s” is deleted.") % {"name": name})
        return redirect(manage_url(self.event, "event_tickets"))


class CapacityPoolSaveView(EventTicketsView):
    """Create a shared capacity (no ``pool`` in the URL) or rename and resize one."""

    http_method_names = ["post"]

    @cached_property
    def pool(self):
        if "pool" not in self.kwargs:
            return None
        return get_or_404(
            capacity_pool_get_for_organizer, organizer=self.request.user, event=self.event, pk=self.kwargs["pool"]
        )

    def post(self, request, pk: int, pool: int | None = None):
        existing = self.pool
        prefix = f"pool-{existing.pk}" if existing else "pool"
        form = forms.CapacityPoolForm(request.POST, instance=copy.copy(existing) if existing else None, prefix=prefix)
        if form.is_valid():
            try:
                saved = capacity_pool_save(
                    event=self.event,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    capacity=form.cleaned_data["capacity"],
                    pool=existing,
                    now=timezone.now(),
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            except DomainError as exc:
                form.add_error("capacity" if exc.code == "capacity_below_sold" else None, exc.message)
            else:
                messages.success(request, _("Shared capacity “%(name)s” is saved.") % {"name": saved.name})
                return redirect(manage_url(self.event, "event_tickets"))
        context = self.get_context_data(bound_pool_form=form) if existing else self.get_context_data(pool_form=form)
        return self.render_to_response(context)


class CapacityPoolDeleteView(CapacityPoolSaveView):
    def post(self, request, pk: int, pool: int):
        name = self.pool.name
        try:
            capacity_pool_delete(pool=self.pool, actor=request.user, now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Shared capacity “%(name)s” is removed.") % {"name": name})
        return redirect(manage_url(self.event, "event_tickets"))


# --- Gate staff ---------------------------------------------------------------------------------------


class EventStaffView(OrganizerEventMixin, TemplateView):
    template_name = "events/dashboard/event_staff.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", forms.StaffAddForm())
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "staff",
            "staff": list(event_staff_list(event=self.event)),
        }

    def post(self, request, pk: int):
        form = forms.StaffAddForm(request.POST)
        if form.is_valid():
            try:
                member = staff_add(
                    event=self.event, email=form.cleaned_data["email"], actor=request.user, now=timezone.now()
                )
            except DomainError as exc:
                form.add_error("email", exc.message)
            else:
                name = member.user.name or member.user.email
                messages.success(request, _("%(name)s can now scan tickets at this event.") % {"name": name})
                return redirect(manage_url(self.event, "event_staff"))
        return self.render_to_response(self.get_context_data(form=form))


class EventStaffRemoveView(OrganizerEventMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int, user_id: int):
        staff_remove(event=self.event, user_id=user_id, actor=request.user, now=timezone.now())
        messages.success(request, _("Their gate access to this event is revoked."))
        return redirect(manage_url(self.event, "event_staff"))
