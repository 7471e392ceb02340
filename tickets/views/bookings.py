from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.errors import NotFound
from tickets.files import ticket_filename, ticket_ics, ticket_pdf, ticket_qr_svg
from tickets.models import Order, Ticket
from tickets.qr import ticket_qr_png
from tickets.selectors import order_get_for_buyer, order_list_for_buyer, ticket_get_for_owner, ticket_list_for_owner
from tickets.selectors_cancellations import order_refund_summary
from tickets.selectors_transfers import open_transfers_prefetch
from tickets.views.referrals import share_cards_for


class MyTicketsView(LoginRequiredMixin, TemplateView):
    """Upcoming and past tickets, grouped by event."""

    template_name = "tickets/my_tickets.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        tickets = (
            ticket_list_for_owner(owner=self.request.user)
            .filter(status__in=[Ticket.Status.VALID, Ticket.Status.UNPAID])
            .prefetch_related(open_transfers_prefetch(now=now))
        )
        upcoming, past = {}, {}
        for ticket in tickets:
            group = upcoming if ticket.event.ends_at > now else past
            group.setdefault(ticket.event, []).append(ticket)
        return {
            **super().get_context_data(**kwargs),
            "upcoming": list(upcoming.items()),
            "past": sorted(past.items(), key=lambda item: item[0].starts_at, reverse=True),
            "share_cards": share_cards_for(self.request, upcoming),
        }


class OrderListView(LoginRequiredMixin, TemplateView):
    template_name = "tickets/order_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "orders": list(order_list_for_buyer(buyer=self.request.user))}


class OrderDetailView(LoginRequiredMixin, TemplateView):
    """The receipt of one order."""

    template_name = "tickets/order_detail.html"

    def get_context_data(self, **kwargs):
        try:
            order = order_get_for_buyer(buyer=self.request.user, code=kwargs["code"])
        except NotFound as exc:
            raise Http404 from exc
        return {
            **super().get_context_data(**kwargs),
            "order": order,
            "is_pending": order.status == Order.Status.PENDING,
            **order_refund_summary(order=order, buyer=self.request.user, now=timezone.now()),
            "share_card": share_cards_for(self.request, [order.event]).get(order.event_id)
            if order.status == Order.Status.PAID and order.event.ends_at > timezone.now()
            else None,
        }


def _valid_ticket_of(request, pk: int) -> Ticket:
    """The requester's own valid ticket; anything else (someone else's, unpaid, refunded) is a 404."""
    try:
        ticket = ticket_get_for_owner(owner=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    if ticket.status != Ticket.Status.VALID:
        raise Http404
    return ticket


class TicketFileView(LoginRequiredMixin, View):
    """One of a valid ticket's files, for its owner: QR (PNG, SVG), the PDF ticket or its .ics."""

    # kind: (render, content type, downloaded as a file, browser cache header)
    FILES = {
        "qr_png": (ticket_qr_png, "image/png", False, "private, max-age=3600"),
        "qr_svg": (ticket_qr_svg, "image/svg+xml", False, "private, max-age=3600"),
        "pdf": (ticket_pdf, "application/pdf", True, "private, no-store"),
        "ics": (ticket_ics, "text/calendar; charset=utf-8", True, "private, no-store"),
    }
    kind = "qr_png"

    def get(self, request, pk: int):
        ticket = _valid_ticket_of(request, pk)
        render, content_type, download, cache = self.FILES[self.kind]
        response = HttpResponse(render(ticket), content_type=content_type)
        if download:
            extension = "pdf" if self.kind == "pdf" else "ics"
            response["Content-Disposition"] = f'attachment; filename="{ticket_filename(ticket, extension)}"'
        response["Cache-Control"] = cache
        return response
