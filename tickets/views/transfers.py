"""Passing a ticket on and new QR codes, for the ticket's holder: transfer (offer, cancel), accept a transfer
from its e-mailed link, and ask for a new code. Pages work without JavaScript; results show as toasts."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from core.errors import DomainError, NotFound
from tickets.errors import NotVerified, TransferWrongAccount
from tickets.forms_transfers import TransferAcceptForm, TransferForm
from tickets.models import Ticket, TicketTransfer
from tickets.selectors import ticket_get_for_owner
from tickets.selectors_transfers import transfer_get_by_token, transfer_get_open, transfer_is_open
from tickets.services.reissues import ticket_check_reissuable_by_holder, ticket_reissue_by_holder
from tickets.services.transfers import (
    transfer_accept,
    transfer_cancel,
    transfer_check_allowed,
    transfer_check_recipient,
    transfer_offer,
    transfers_close_at,
)


def _add_domain_error(form, exc: DomainError) -> None:
    """A service's error next to the field it names, or at the top of the form."""
    placed = False
    for field, errors in exc.fields.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _refusal(check, **kwargs) -> str:
    """The message of the DomainError ``check(**kwargs)`` raises, or "" when it passes."""
    try:
        check(**kwargs)
    except DomainError as exc:
        return exc.message
    return ""


class OwnTicketMixin(LoginRequiredMixin):
    """A page about one ticket the signed-in user holds (``pk`` in the URL); anyone else's is a 404."""

    @cached_property
    def ticket(self) -> Ticket:
        try:
            return ticket_get_for_owner(owner=self.request.user, pk=self.kwargs["pk"])
        except NotFound as exc:
            raise Http404 from exc


class TicketTransferView(OwnTicketMixin, FormView):
    """Send a ticket to someone by e-mail, or see (and cancel) the transfer under way."""

    template_name = "tickets/transfer.html"
    form_class = TransferForm

    def get_context_data(self, **kwargs):
        now = timezone.now()
        return {
            **super().get_context_data(**kwargs),
            "ticket": self.ticket,
            "event": self.ticket.event,
            "open_transfer": transfer_get_open(ticket=self.ticket, now=now),
            "refusal": _refusal(transfer_check_allowed, ticket=self.ticket, now=now),
            "closes_at": transfers_close_at(self.ticket.event),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            transfer = transfer_offer(
                ticket=self.ticket,
                sender=self.request.user,
                to_email=data["to_email"],
                to_name=data["to_name"],
                message=data["message"],
                now=timezone.now(),
            )
        except DomainError as exc:
            _add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("We e-mailed the ticket to %(email)s. It stays yours until they accept it.")
            % {"email": transfer.to_email},
        )
        return redirect("tickets:my_tickets")


class TicketTransferCancelView(OwnTicketMixin, View):
    """POST: take back the ticket's open transfer."""

    def post(self, request, pk: int):
        now = timezone.now()
        transfer = transfer_get_open(ticket=self.ticket, now=now)
        if transfer is None:
            messages.info(request, _("There is no transfer of this ticket to cancel."))
            return redirect("tickets:my_tickets")
        try:
            transfer_cancel(transfer=transfer, sender=request.user, now=now)
        except NotFound as exc:  # sent by the previous holder, who alone may take it back
            raise Http404 from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Transfer cancelled. The ticket is still yours."))
        return redirect("tickets:my_tickets")


class TicketReissueView(OwnTicketMixin, View):
    """GET: what a new QR code means; POST: make it (and e-mail the ticket)."""

    template_name = "tickets/reissue.html"

    def get(self, request, pk: int):
        refusal = _refusal(ticket_check_reissuable_by_holder, ticket=self.ticket, now=timezone.now())
        return render(
            request, self.template_name, {"ticket": self.ticket, "event": self.ticket.event, "refusal": refusal}
        )

    def post(self, request, pk: int):
        try:
            ticket_reissue_by_holder(ticket=self.ticket, holder=request.user, now=timezone.now())
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("tickets:reissue", pk=pk)
        messages.success(request, _("Your ticket has a new QR code; the old one no longer works. We e-mailed it too."))
        return redirect(reverse("tickets:my_tickets") + f"#ticket-{pk}")


@method_decorator(never_cache, name="dispatch")
class TransferAcceptView(FormView):
    """The page an e-mailed transfer link opens: the ticket on offer and, for its recipient, "Accept".

    Anyone with the link sees what is offered (the link is the secret); only the person signed in with the
    address it was sent to can accept. Others are sent to sign in or sign up and come back here.
    """

    template_name = "tickets/transfer_accept.html"
    form_class = TransferAcceptForm

    @cached_property
    def transfer(self) -> TicketTransfer:
        try:
            return transfer_get_by_token(token=self.kwargs["token"])
        except NotFound as exc:
            raise Http404 from exc

    def get_initial(self):
        user = self.request.user
        return {"attendee_name": (user.name if user.is_authenticated else "") or self.transfer.to_name}

    def get_context_data(self, **kwargs):
        transfer, user, now = self.transfer, self.request.user, timezone.now()
        here = self.request.path
        state = "open" if transfer_is_open(transfer, now=now) else transfer.status
        if state == TicketTransfer.Status.PENDING:  # past its time, not swept yet
            state = TicketTransfer.Status.EXPIRED
        context = {
            **super().get_context_data(**kwargs),
            "transfer": transfer,
            "ticket": transfer.ticket,
            "event": transfer.ticket.event,
            "state": state,
            "accepted_by_me": state == TicketTransfer.Status.ACCEPTED and transfer.accepted_by_id == user.pk,
            "wrong_account": False,
            "unverified": False,
            "refusal": "",
            "login_url": reverse("accounts:login") + "?" + urlencode({"next": here, "email": transfer.to_email}),
            "signup_url": reverse("accounts:signup") + "?" + urlencode({"next": here, "email": transfer.to_email}),
        }
        if state == "open" and user.is_authenticated:
            try:
                transfer_check_recipient(transfer=transfer, user=user)
            except TransferWrongAccount:
                context["wrong_account"] = True
            except NotVerified:
                context["unverified"] = True
            context["refusal"] = _refusal(transfer_check_allowed, ticket=transfer.ticket, now=now)
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(self.get_context_data()["login_url"])
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            ticket = transfer_accept(
                token=self.kwargs["token"],
                user=self.request.user,
                now=timezone.now(),
                attendee_name=form.cleaned_data["attendee_name"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            _add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The ticket is yours. Here it is with its new QR code."))
        return redirect(reverse("tickets:my_tickets") + f"#ticket-{ticket.pk}")
