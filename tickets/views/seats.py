"""Choosing seats on the map: each available seat is a checkbox; the chosen seats become one hold.

Works without JavaScript (a plain form); seat-picker.js only adds a live "N seats · total" summary and
arrow-key moves between seats. A refused choice comes back on the same page with nothing held.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.errors import DomainError, NotFound
from events.models import Event
from events.selectors.public import event_get_public
from tickets.errors import InvalidSelection, LimitExceeded
from tickets.selectors import seat_map_for_buyer, seat_zones_for_event
from tickets.services.holds import HOLD_TTL, LineRequest, hold_create
from tickets.views.checkout_promo import checkout_url

UNLOCK_CODE_MAX_LENGTH = 40


class SeatPickView(LoginRequiredMixin, TemplateView):
    template_name = "tickets/seat_pick.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.event = event_get_public(slug=kwargs["slug"], user=request.user)
        except NotFound as exc:
            raise Http404 from exc
        if not hasattr(self.event, "seat_map"):
            raise Http404
        source = request.POST if request.method == "POST" else request.GET
        self.code = source.get("code", "").strip()[:UNLOCK_CODE_MAX_LENGTH]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        event, now = self.event, timezone.now()
        if event.status != Event.Status.PUBLISHED or event.ends_at <= now or event.requires_approval:
            messages.warning(request, _("Tickets are not on sale right now."))
            return redirect(reverse("events:detail", args=[event.slug]))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        event = self.event
        return {
            **super().get_context_data(**kwargs),
            "event": event,
            "layout": seat_map_for_buyer(event=event, now=timezone.now(), code=self.code),
            "code": self.code,
            "selected": kwargs.get("selected", frozenset()),
            "error": kwargs.get("error", ""),
            "max_seats": event.max_tickets_per_order,
            "hold_minutes": int(HOLD_TTL.total_seconds() // 60),
        }

    def post(self, request, *args, **kwargs):
        try:
            seat_ids = self._chosen_seats(request.POST.getlist("seat"))
            lines = self._lines(seat_ids)
            hold = hold_create(
                buyer=request.user, event=self.event, lines=lines, now=timezone.now(), unlock_code=self.code
            )
        except DomainError as exc:
            selected = frozenset(self._ints(request.POST.getlist("seat")))
            return self.render_to_response(self.get_context_data(error=exc.message, selected=selected))
        return redirect(checkout_url(hold=hold, event=self.event, code=self.code))

    @staticmethod
    def _ints(values: list[str]) -> list[int]:
        return [int(value) for value in values if value.isdigit()]

    def _chosen_seats(self, values: list[str]) -> list[int]:
        """Raises: InvalidSelection (no seat, a tampered value), LimitExceeded (more than one order allows)."""
        if not values:
            raise InvalidSelection(_("Choose at least one seat on the map."))
        if len(values) > self.event.max_tickets_per_order:
            raise LimitExceeded(
                _("You can choose up to %(count)d seats per order.") % {"count": self.event.max_tickets_per_order}
            )
        seat_ids = self._ints(values)
        if len(seat_ids) != len(values):
            raise InvalidSelection(_("Some of these seats cannot be booked. Please choose again."))
        return sorted(set(seat_ids))

    def _lines(self, seat_ids: list[int]) -> list[LineRequest]:
        """One line per price zone. Raises: InvalidSelection for seats of another event or without a price zone."""
        zones = seat_zones_for_event(event=self.event, seat_ids=seat_ids)
        if len(zones) != len(seat_ids) or None in zones.values():
            raise InvalidSelection(_("Some of these seats cannot be booked. Please choose again."))
        by_zone = defaultdict(list)
        for seat_id, ticket_type_id in zones.items():
            by_zone[ticket_type_id].append(seat_id)
        return [LineRequest(pk, 0, tuple(sorted(ids))) for pk, ids in sorted(by_zone.items())]
