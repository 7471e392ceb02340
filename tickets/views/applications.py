"""The applicant's side of approval-required events: apply, "My applications", withdraw, and the attachment
download (also used by the organizer's pages: the selector decides who may open a file)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError, NotFound
from events.models import Event
from events.selectors.public import event_get_public
from tickets.errors import ApplicationExists
from tickets.forms_applications import ApplicationForm
from tickets.models import Application, ApplicationAttachment, Order
from tickets.selectors_applications import (
    application_attachment_get_for_viewer,
    application_get_for_applicant,
    application_get_open,
    application_list_for_applicant,
    ticket_types_open_for_applications,
)
from tickets.services.applications import application_submit, application_team_limit, application_withdraw


def _or_404(fetch, **kwargs):
    try:
        return fetch(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def application_next_step(application: Application, *, now) -> dict:
    """What the applicant sees and can do next: pay (with the deadline), see tickets, or wait. A deadline that
    passed before the sweep wrote the order down as expired already counts as missed."""
    order = application.order
    awaiting_payment = (
        application.status == Application.Status.APPROVED and order is not None and order.status == Order.Status.PENDING
    )
    pending_payment = awaiting_payment and order.expires_at > now
    return {
        "application": application,
        "payment_missed": awaiting_payment and not pending_payment,
        "pay_url": reverse("tickets:pay", args=[order.code]) if pending_payment else "",
        "tickets_url": reverse("tickets:order_detail", args=[order.code])
        if order is not None and order.status == Order.Status.PAID
        else "",
        "can_withdraw": application.status == Application.Status.PENDING or pending_payment,
    }


class ApplicationCreateView(LoginRequiredMixin, TemplateView):
    """/events/<slug>/apply/: the application form of an approval-required event."""

    template_name = "tickets/applications/apply.html"

    @cached_property
    def event(self) -> Event:
        return _or_404(event_get_public, slug=self.kwargs["slug"], user=self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.event.requires_approval:
            return redirect("events:detail", self.event.slug)
        existing = application_get_open(applicant=request.user, event=self.event)
        if existing is not None:
            messages.info(request, _("You have already applied. Here is your application."))
            return redirect("applications:detail", existing.pk)
        self.now = timezone.now()
        self.ticket_types = ticket_types_open_for_applications(event=self.event, now=self.now)
        return super().dispatch(request, *args, **kwargs)

    @property
    def is_open(self) -> bool:
        event = self.event
        return event.status == Event.Status.PUBLISHED and event.starts_at > self.now and bool(self.ticket_types)

    def get_form(self) -> ApplicationForm:
        user = self.request.user
        if self.request.method == "POST":
            return ApplicationForm(
                self.request.POST, self.request.FILES, event=self.event, ticket_types=self.ticket_types
            )
        return ApplicationForm(
            initial={"name": user.name, "email": user.email, "phone": user.phone},
            event=self.event,
            ticket_types=self.ticket_types,
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "event": self.event,
            "is_open": self.is_open,
            "form": kwargs.get("form") or self.get_form(),
            "ticket_types": self.ticket_types,
            "team_limit": max(
                (application_team_limit(event=self.event, ticket_type=tt) for tt in self.ticket_types), default=1
            ),
        }

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                application = application_submit(
                    applicant=request.user,
                    event=self.event,
                    ticket_type=form.chosen_ticket_type,
                    details=form.details,
                    answers=form.answers,
                    attachments=form.cleaned_data["attachments"],
                    now=timezone.now(),
                )
            except ApplicationExists as exc:
                messages.info(request, exc.message)
                existing = application_get_open(applicant=request.user, event=self.event)
                return redirect("applications:detail", existing.pk) if existing else redirect(request.path)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Application sent! We'll e-mail you when the organizer decides."))
                return redirect("applications:detail", application.pk)
        if form.is_bound and form.files:
            form.add_error(None, _("Please choose your files again: they are not kept when the form has errors."))
        return self.render_to_response(self.get_context_data(form=form))


class ApplicationListView(LoginRequiredMixin, TemplateView):
    """My applications, with their status and what to do next."""

    template_name = "tickets/applications/list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        applications = application_list_for_applicant(applicant=self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "rows": [application_next_step(application, now=now) for application in applications],
        }


class ApplicationDetailView(LoginRequiredMixin, TemplateView):
    template_name = "tickets/applications/detail.html"

    def get_context_data(self, **kwargs):
        application = _or_404(application_get_for_applicant, applicant=self.request.user, pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), **application_next_step(application, now=timezone.now())}


class ApplicationWithdrawView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        application = _or_404(application_get_for_applicant, applicant=request.user, pk=pk)
        try:
            application_withdraw(application=application, applicant=request.user, now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect("applications:detail", pk)


def attachment_response(attachment: ApplicationAttachment) -> FileResponse:
    """The file as a download under its original name; never cached by shared caches, never sniffed."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ApplicationAttachmentView(LoginRequiredMixin, View):
    """An attachment, for the applicant, the event's organizer and admins only (404 for everyone else)."""

    def get(self, request, pk: int):
        attachment = _or_404(application_attachment_get_for_viewer, viewer=request.user, pk=pk)
        return attachment_response(attachment)
