"""The organizer dashboard: an event's ticket types and shared capacities (pools), on one page."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_htmx.http import push_url

from core.errors import DomainError
from events import forms_ticket_types as forms
from events.forms_pricing import pricing_is_valid, pricing_rule_formset, rules_json
from events.models import TicketType
from events.selectors.organizer import (
    capacity_pool_list_for_event,
    pool_get_for_organizer,
    ticket_type_get_for_organizer,
    ticket_type_list_for_event,
)
from events.services.ticket_types import (
    capacity_pool_delete,
    capacity_pool_save,
    ticket_type_create,
    ticket_type_delete,
    ticket_type_update,
)
from events.views.organizer_base import OrganizerEventMixin, add_service_error, get_or_404, manage_url
from events.views.organizer_pricing import pricing_context


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
        if kwargs.get("rules_formset") is None:
            kwargs["rules_formset"] = pricing_rule_formset(ticket_type=editing or TicketType(event=event), event=event)
        kwargs.update(pricing_context(event=event, editing=editing, form=kwargs["ticket_type_form"]))
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

    def save(self, form, ticket_type: TicketType | None, rules):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        data["pricing_rules"] = rules_json(rules)
        if ticket_type is None:
            return ticket_type_create(event=self.event, actor=self.request.user, data=data, now=timezone.now())
        return ticket_type_update(ticket_type=ticket_type, actor=self.request.user, data=data, now=timezone.now())

    def submit(self, ticket_type: TicketType | None):
        instance = copy.copy(ticket_type) if ticket_type else TicketType(event=self.event)
        form = forms.TicketTypeForm(self.request.POST, instance=instance, event=self.event)
        rules = pricing_rule_formset(data=self.request.POST, ticket_type=instance, event=self.event)
        if pricing_is_valid(form=form, rules=rules, event=self.event):
            try:
                saved = self.save(form, ticket_type, rules)
            except ValidationError as exc:
                add_service_error(form, exc)
            except DomainError as exc:
                field = {"capacity_below_sold": "capacity", "ticket_type_in_use": "pool"}.get(exc.code)
                form.add_error(field, exc.message)
            else:
                messages.success(self.request, _("“%(name)s” is saved.") % {"name": saved.name})
                return redirect(manage_url(self.event, "event_tickets"))
        context = self.get_context_data(ticket_type_form=form, rules_formset=rules, editing=ticket_type)
        return self.render_to_response(context)


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
        pool = get_or_404(pool_get_for_organizer, organizer=self.request.user, pk=self.kwargs["pool"])
        if pool.event_id != self.event.pk:
            raise Http404
        return pool

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
