"""The organizer's bookings of one event: orders and attendees, searchable, filterable, exportable as CSV.

The event is fetched through ``event_get_for_organizer`` (admins see every event), so another organizer's
event answers 404 on every page and export. Pages are plain GET forms; htmx only swaps the results.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.errors import NotFound
from core.views import OrganizerRequiredMixin
from events.models import Event
from events.selectors.organizer import event_get_for_organizer
from tickets.exports import csv_response
from tickets.models import Order, Ticket
from tickets.selectors_organizer import booking_summary_for_event, order_list_for_event, ticket_list_for_event

PAGE_SIZE = 25
CSV_DATE_FORMAT = "%Y-%m-%d %H:%M"


class EventBookingsMixin(OrganizerRequiredMixin):
    """A page about the bookings of one of the organizer's events (``pk`` in the URL)."""

    @cached_property
    def event(self) -> Event:
        try:
            return event_get_for_organizer(organizer=self.request.user, pk=self.kwargs["pk"])
        except NotFound as exc:
            raise Http404 from exc

    @property
    def search(self) -> str:
        return self.request.GET.get("q", "").strip()

    @property
    def status(self) -> str:
        return self.request.GET.get("status", "")

    def local(self, moment) -> str:
        return timezone.localtime(moment, self.event.tz).strftime(CSV_DATE_FORMAT) if moment else ""


class BookingListView(EventBookingsMixin, TemplateView):
    template_name = "tickets/organizer/bookings.html"
    kind: str  # "orders" or "attendees"
    statuses: type  # Order.Status or Ticket.Status

    def get_queryset(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        summary = booking_summary_for_event(event=self.event)
        counts = summary["orders" if self.kind == "orders" else "tickets"]
        page = Paginator(self.get_queryset(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        status = self.status if self.status in self.statuses.values else ""
        return {
            **super().get_context_data(**kwargs),
            "event": self.event,
            "now": timezone.now(),
            "active_tab": "bookings",
            "kind": self.kind,
            "summary": summary,
            "search": self.search,
            "status": status,
            "status_choices": [(value, label, counts[value]) for value, label in self.statuses.choices],
            "total_count": summary["orders_total" if self.kind == "orders" else "tickets_total"],
            "filtered": bool(self.search or status),
            "page_obj": page,
            "rows": list(page.object_list),
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
            "params": self.request.GET,
        }


class BookingOrderListView(BookingListView):
    kind, statuses = "orders", Order.Status

    def get_queryset(self):
        return order_list_for_event(event=self.event, search=self.search, status=self.status)


class BookingAttendeeListView(BookingListView):
    kind, statuses = "attendees", Ticket.Status

    def get_queryset(self):
        return ticket_list_for_event(event=self.event, search=self.search, status=self.status)


class BookingOrderExportView(EventBookingsMixin, View):
    """Every order matching the page's search and filter, as CSV."""

    header = (
        gettext_lazy("Order"),
        gettext_lazy("Buyer name"),
        gettext_lazy("Buyer e-mail"),
        gettext_lazy("Date"),
        gettext_lazy("Status"),
        gettext_lazy("Tickets"),
        gettext_lazy("Subtotal"),
        gettext_lazy("Discount"),
        gettext_lazy("Total"),
        gettext_lazy("Currency"),
        gettext_lazy("Paid at"),
    )

    def get(self, request, *args, **kwargs):
        orders = order_list_for_event(event=self.event, search=self.search, status=self.status)
        rows = (
            (
                order.code,
                order.buyer.name,
                order.buyer.email,
                self.local(order.created_at),
                order.get_status_display(),
                order.tickets_count,
                order.subtotal,
                order.discount,
                order.total,
                order.currency,
                self.local(order.paid_at),
            )
            for order in orders.iterator(chunk_size=1000)
        )
        return csv_response(filename=f"{self.event.slug}-orders.csv", header=[str(h) for h in self.header], rows=rows)


class BookingAttendeeExportView(EventBookingsMixin, View):
    """Every ticket matching the page's search and filter, as CSV (one line per attendee)."""

    header = (
        gettext_lazy("Serial"),
        gettext_lazy("Attendee"),
        gettext_lazy("Ticket type"),
        gettext_lazy("Section"),
        gettext_lazy("Row"),
        gettext_lazy("Seat"),
        gettext_lazy("Status"),
        gettext_lazy("Price"),
        gettext_lazy("Currency"),
        gettext_lazy("Order"),
        gettext_lazy("Buyer name"),
        gettext_lazy("Buyer e-mail"),
        gettext_lazy("Booked"),
    )

    def get(self, request, *args, **kwargs):
        tickets = ticket_list_for_event(event=self.event, search=self.search, status=self.status)
        rows = (
            (
                ticket.serial,
                ticket.attendee_name,
                ticket.ticket_type.name,
                ticket.seat.row.section.name if ticket.seat else "",
                ticket.seat.row.label if ticket.seat else "",
                ticket.seat.number if ticket.seat else "",
                ticket.get_status_display(),
                ticket.price,
                ticket.order.currency,
                ticket.order.code,
                ticket.order.buyer.name,
                ticket.order.buyer.email,
                self.local(ticket.order.created_at),
            )
            for ticket in tickets.iterator(chunk_size=1000)
        )
        filename = f"{self.event.slug}-attendees.csv"
        return csv_response(filename=filename, header=[str(h) for h in self.header], rows=rows)
