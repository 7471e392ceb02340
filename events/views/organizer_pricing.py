"""The organizer's view of dynamic pricing: the live preview of the price curve while editing a ticket type's
rules (htmx posts the unsaved form here) and the price history shown under the form.

The preview never saves and never fails: fields it cannot read yet (a half-typed price, an unfinished rule
row) are left out, and the partial says what it needs.
"""

from decimal import Decimal, InvalidOperation

from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.errors import NotFound
from events.forms_pricing import pricing_rule_formset
from events.models import Event, TicketType
from events.pricing import ticket_type_rules
from events.pricing.charts import price_history_chart, pricing_preview
from events.pricing.text import rule_text
from events.selectors.organizer import ticket_type_get_for_organizer
from events.selectors.pricing import price_change_list_for_ticket_type
from events.views.organizer_base import OrganizerEventMixin

HISTORY_ROWS = 50


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number >= 0 else None


def _integer(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def preview_from_data(*, event: Event, data: QueryDict, ticket_type: TicketType | None) -> dict:
    """The preview for a (possibly unsaved, possibly half-filled) ticket type form: ``preview`` or ``message``."""
    ticket_type = ticket_type or TicketType(event=event, capacity=0, price=Decimal("0"))
    base = _decimal(data.get("price"))
    capacity = _integer(data.get("capacity"))
    if base is None or not capacity:
        return {"preview": None, "message": _("Enter the base price and the capacity to see the price curve.")}
    rules = []
    formset = pricing_rule_formset(data=data, ticket_type=ticket_type, event=event)
    if formset.management_form.is_valid():
        for form in formset.forms:
            if form.is_valid() and form.rule is not None:
                rules.append(form.rule)
    return _preview(
        event=event,
        rules=rules,
        base=base,
        floor=_decimal(data.get("price_floor")),
        ceiling=_decimal(data.get("price_ceiling")),
        sold=min(ticket_type.sold, capacity),
        capacity=capacity,
    )


def _preview(*, event: Event, rules, base, floor, ceiling, sold: int, capacity: int) -> dict:
    if not rules:
        return {"preview": None, "message": _("Add a rule to see how the price moves.")}
    preview = pricing_preview(
        rules=rules, base=base, floor=floor, ceiling=ceiling, sold=sold, capacity=capacity,
        starts_at=event.starts_at, now=timezone.now(),
    )  # fmt: skip
    preview["rule_texts"] = [rule_text(rule, currency=event.currency, tz=event.tz) for rule in rules]
    return {"preview": preview, "message": ""}


def pricing_context(*, event: Event, editing: TicketType | None, form) -> dict:
    """What the ticket types page shows about dynamic pricing: the preview and, when editing, the history."""
    preview_url = reverse("organizer:ticket_type_pricing_preview", args=[event.pk])
    if editing is not None:
        preview_url += f"?ticket_type={editing.pk}"
    if form.is_bound:
        preview = preview_from_data(event=event, data=form.data, ticket_type=editing)
    elif editing is not None and editing.dynamic_pricing:
        preview = _preview(
            event=event,
            rules=ticket_type_rules(editing),
            base=editing.price,
            floor=editing.price_floor,
            ceiling=editing.price_ceiling,
            sold=editing.sold,
            capacity=editing.capacity,
        )
    else:
        preview = {"preview": None, "message": _("Turn dynamic pricing on and add a rule to see the price curve.")}
    context = {"pricing_preview": preview, "pricing_preview_url": preview_url, "price_history": None}
    if editing is not None:
        changes = price_change_list_for_ticket_type(ticket_type=editing, limit=HISTORY_ROWS)
        context["price_history"] = changes
        context["price_history_chart"] = price_history_chart(
            [(change.at, change.price) for change in reversed(changes)], now=timezone.now()
        )
    return context


class TicketTypePricingPreviewView(OrganizerEventMixin, View):
    """The price curve for the unsaved form (htmx, on every change of the pricing fields)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        ticket_type = None
        if request.GET.get("ticket_type", "").isdigit():
            try:
                ticket_type = ticket_type_get_for_organizer(organizer=request.user, pk=int(request.GET["ticket_type"]))
            except NotFound as exc:
                raise Http404 from exc
            if ticket_type.event_id != self.event.pk:
                raise Http404
        context = {
            "event": self.event,
            "pricing_preview": preview_from_data(event=self.event, data=request.POST, ticket_type=ticket_type),
            "pricing_preview_url": request.get_full_path(),
        }
        return render(request, "events/dashboard/_pricing_preview.html", context)
