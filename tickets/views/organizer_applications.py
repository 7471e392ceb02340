"""The organizer's review queue of an approval-required event: the list by status, one application with its
answers and attachments, approve, decline with a reason.

The event is fetched through ``event_get_for_organizer`` and each application through a selector scoped to
that event, so another organizer's event or application answers 404 on every page and every POST.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.errors import DomainError, NotFound
from events.views.organizer_base import OrganizerEventMixin
from tickets.forms_applications import DeclineForm
from tickets.models import Application
from tickets.selectors_applications import (
    application_counts_for_event,
    application_get_for_organizer,
    application_list_for_event,
)
from tickets.services.applications import application_approve, application_decline

PAGE_SIZE = 25


class EventApplicationListView(OrganizerEventMixin, TemplateView):
    template_name = "tickets/organizer/applications.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "pending")
        status = status if status in Application.Status.values or status == "all" else "pending"
        search = self.request.GET.get("q", "").strip()[:100]
        applications = application_list_for_event(
            event=self.event, status="" if status == "all" else status, search=search
        )
        page = Paginator(applications, PAGE_SIZE).get_page(self.request.GET.get("page"))
        counts = application_counts_for_event(event=self.event)
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "applications",
            "status": status,
            "search": search,
            "status_tabs": [
                ("all", _("All"), counts["all"]),
                *[(value, label, counts[value]) for value, label in Application.Status.choices],
            ],
            "counts": counts,
            "page_obj": page,
            "rows": list(page.object_list),
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
            "params": self.request.GET,
        }


class EventApplicationDetailView(OrganizerEventMixin, TemplateView):
    template_name = "tickets/organizer/application_detail.html"

    @cached_property
    def application(self) -> Application:
        try:
            application = application_get_for_organizer(organizer=self.request.user, pk=self.kwargs["application"])
        except NotFound as exc:
            raise Http404 from exc
        if application.event_id != self.event.pk:
            raise Http404
        return application

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "applications",
            "application": self.application,
            "decline_form": kwargs.get("decline_form") or DeclineForm(),
            "open_decline": bool(kwargs.get("decline_form")),
        }


class EventApplicationApproveView(EventApplicationDetailView):
    http_method_names = ["post"]

    def post(self, request, pk: int, application: int):
        try:
            decided = application_approve(application=self.application, actor=request.user, now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if decided.order.total:
                messages.success(request, _("Approved. %(name)s got a link to pay.") % {"name": decided.name})
            else:
                messages.success(request, _("Approved. %(name)s has their tickets.") % {"name": decided.name})
        return redirect("applications:organizer_detail", pk, application)


class EventApplicationDeclineView(EventApplicationDetailView):
    http_method_names = ["post"]

    def post(self, request, pk: int, application: int):
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                decided = application_decline(
                    application=self.application,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    now=timezone.now(),
                )
            except ValidationError as exc:
                form.add_error("reason", exc.messages)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("applications:organizer_detail", pk, application)
            else:
                messages.success(request, _("Declined. %(name)s has been told why.") % {"name": decided.name})
                return redirect("applications:organizer_detail", pk, application)
        return self.render_to_response(self.get_context_data(decline_form=form), status=400)
