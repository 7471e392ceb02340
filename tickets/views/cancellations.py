"""Cancelling tickets in the browser: choose tickets → see the refund (updated live with htmx) → confirm."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from core.errors import DomainError, NotFound
from tickets.errors import RefundQuoteChanged
from tickets.forms_cancellations import CancelTicketsForm
from tickets.models import Order
from tickets.selectors import order_get_for_buyer
from tickets.selectors_cancellations import CancellationOptions, order_cancellation_options
from tickets.services.cancellations import order_cancel_by_buyer


def _ids(values) -> list[int]:
    return [int(value) for value in values if str(value).isdigit()][:100]


class OrderCancelMixin(LoginRequiredMixin):
    def get_order(self) -> Order:
        try:
            return order_get_for_buyer(buyer=self.request.user, code=self.kwargs["code"])
        except NotFound as exc:
            raise Http404 from exc

    def get_options(self, order: Order, selected_ids) -> CancellationOptions:
        return order_cancellation_options(
            order=order, buyer=self.request.user, selected_ids=selected_ids, now=timezone.now()
        )


class OrderCancelView(OrderCancelMixin, TemplateView):
    """The cancellation page of a paid order: its tickets to tick, the policy, the refund, a confirm button.
    ``?ticket=<id>`` preselects one ticket (the "Cancel" link of a ticket)."""

    template_name = "tickets/order_cancel.html"

    def get(self, request, *args, **kwargs):
        order = self.get_order()
        preselected = _ids(request.GET.getlist("ticket")) or None
        options = self.get_options(order, preselected)
        if preselected and not options.selected_ids:
            options = self.get_options(order, None)
        return self.render_to_response(self.get_context_data(options=options))

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        chosen = _ids(request.POST.getlist("tickets"))
        # Any ticket of the order may be named: the service tells a repeated submit from a wrong choice.
        form = CancelTicketsForm(request.POST, ticket_ids=[ticket.pk for ticket in order.tickets.all()])
        if not form.is_valid():
            options = self.get_options(order, chosen)
            return self.render_to_response(self.get_context_data(options=options, form=form), status=400)
        try:
            result = order_cancel_by_buyer(
                order=order,
                buyer=request.user,
                ticket_ids=form.cleaned_data["tickets"],
                expected_refund=form.cleaned_data["expected_refund"],
                now=timezone.now(),
            )
        except RefundQuoteChanged as exc:
            form.add_error(None, exc.message)
            options = self.get_options(order, form.cleaned_data["tickets"])
            return self.render_to_response(self.get_context_data(options=options, form=form), status=409)
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise Http404 from exc
            form.add_error(None, exc.message)
            options = self.get_options(self.get_order(), chosen)
            return self.render_to_response(self.get_context_data(options=options, form=form), status=exc.status)
        if result.repeated:
            messages.info(request, _("These tickets were already cancelled."))
        elif result.refund_amount:
            messages.success(
                request,
                ngettext(
                    "%(count)d ticket cancelled. %(amount)s %(currency)s is being refunded to your card.",
                    "%(count)d tickets cancelled. %(amount)s %(currency)s is being refunded to your card.",
                    len(result.tickets),
                )
                % {"count": len(result.tickets), "amount": result.refund_amount, "currency": order.currency},
            )
        else:
            messages.success(
                request,
                ngettext("%(count)d ticket cancelled.", "%(count)d tickets cancelled.", len(result.tickets))
                % {"count": len(result.tickets)},
            )
        return redirect("tickets:order_detail", code=order.code)


class OrderCancelQuoteView(OrderCancelMixin, TemplateView):
    """The refund box for the ticked tickets (htmx swaps it in while the buyer ticks)."""

    template_name = "tickets/_refund_quote.html"

    def get(self, request, *args, **kwargs):
        options = self.get_options(self.get_order(), _ids(request.GET.getlist("tickets")))
        return self.render_to_response({"options": options})
