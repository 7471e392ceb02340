"""The organizer's "Reissue" of one ticket from the event's attendee list: a confirmation page asking for a
reason, then a new QR code (audited) e-mailed to the ticket's holder."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.errors import DomainError, NotFound
from tickets.forms_transfers import OrganizerReissueForm
from tickets.models import Ticket
from tickets.selectors_transfers import ticket_get_for_organizer
from tickets.services.reissues import ticket_reissue_by_organizer
from tickets.services.transfers import ticket_is_used
from tickets.views.organizer import EventBookingsMixin

REISSUABLE = (Ticket.Status.VALID, Ticket.Status.UNPAID)


class BookingTicketReissueView(EventBookingsMixin, FormView):
    template_name = "tickets/organizer/ticket_reissue.html"
    form_class = OrganizerReissueForm

    @cached_property
    def ticket(self) -> Ticket:
        try:
            ticket = ticket_get_for_organizer(organizer=self.request.user, pk=self.kwargs["ticket_pk"])
        except NotFound as exc:
            raise Http404 from exc
        if ticket.event_id != self.event.pk:
            raise Http404
        return ticket

    def attendees_url(self) -> str:
        return reverse("bookings:attendees", args=[self.event.pk]) + "?" + urlencode({"q": self.ticket.serial})

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "event": self.event,
            "now": timezone.now(),
            "active_tab": "bookings",
            "ticket": self.ticket,
            "holder": self.ticket.holder or self.ticket.order.buyer,
            "reissuable": self.ticket.status in REISSUABLE,
            "used": ticket_is_used(self.ticket),
            "back_url": self.attendees_url(),
        }

    def form_valid(self, form):
        try:
            reissued = ticket_reissue_by_organizer(
                ticket=self.ticket, actor=self.request.user, reason=form.cleaned_data["reason"], now=timezone.now()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Ticket %(serial)s has a new QR code (it was %(old)s); the old code and serial no longer work.")
            % {"serial": reissued.serial, "old": self.ticket.serial},
        )
        return redirect(self.attendees_url())
