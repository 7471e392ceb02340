"""The organizer's seat map editor: generate a grid, then shape it seat by seat and price it by zones.

Every page works with plain forms; htmx only swaps the section whose seat was clicked (and the totals).
"""

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.errors import DomainError, NotFound
from core.views import OrganizerRequiredMixin
from events import forms_seating as forms
from events.models import Event
from events.selectors.organizer import event_get_for_organizer
from events.selectors.seating import (
    seat_get_for_event,
    seat_ids_taken,
    seat_map_layout,
    seat_map_sections_spec,
    seat_map_zone_choices,
    seat_section_get_for_event,
)
from events.services import seat_maps, seat_sections

NEW_SECTION_DEFAULTS = {"rows": 10, "seats_per_row": 20}


class EventScopedMixin:
    """Fetch ``self.event`` through the organizer's scope; another organizer's event answers 404.

    Goes after OrganizerRequiredMixin, so anonymous visitors are sent to sign in first.
    """

    def dispatch(self, request, *args, **kwargs):
        try:
            self.event = event_get_for_organizer(organizer=request.user, pk=kwargs["pk"])
        except NotFound:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class SectionScopedMixin(EventScopedMixin):
    def get_section(self):
        try:
            return seat_section_get_for_event(event=self.event, pk=self.kwargs["section_pk"])
        except NotFound:
            raise Http404 from None


def error_messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [getattr(exc, "message", str(exc))]


def editor_url(event: Event, anchor: str = "") -> str:
    url = reverse("seat_maps:edit", args=[event.pk])
    return f"{url}#{anchor}" if anchor else url


# --- building the page -----------------------------------------------------------------------------


def generator_forms(event: Event, *, zones, layout: dict | None, rows: list[dict] | None = None, stage_label=None):
    """Unbound generator: the given rows, the current map's sections, or one suggested section."""
    if rows is None:
        if layout:
            rows = seat_map_sections_spec(layout=layout)
        else:
            first_zone = zones[0].pk if zones else None
            rows = [{"name": _("Stalls"), "ticket_type": first_zone, **NEW_SECTION_DEFAULTS}]
    formset = forms.SectionFormSet(
        initial=rows, prefix=forms.SECTION_PREFIX, form_kwargs={"zones": zones, "currency": event.currency}
    )
    initial = {"stage_label": stage_label or (layout["stage_label"] if layout else _("Stage"))}
    return formset, forms.GenerateForm(initial=initial, replacing=bool(layout))


def editor_context(
    event: Event,
    *,
    formset=None,
    generate_form=None,
    add_form=None,
    section_forms: dict | None = None,
    open_section: int | None = None,
    generator_open: bool = False,
) -> dict:
    """Everything the editor page and its partials draw; bound forms with errors replace the blank ones."""
    layout = seat_map_layout(event=event, taken_seat_ids=seat_ids_taken(event=event))
    zones = list(seat_map_zone_choices(event=event))
    if formset is None:
        formset, generate_form = generator_forms(event, zones=zones, layout=layout)
    section_forms = section_forms or {}
    sections = []
    in_use = False
    if layout:
        for section in layout["sections"]:
            zone = section["zone"]
            locked = bool(zone and (zone["sold"] or zone["held"]))
            in_use = in_use or locked
            prefix = f"s{section['id']}"
            own = section_forms.get(section["id"], {})
            sections.append(
                {
                    **section,
                    "locked": locked,
                    "open": open_section == section["id"],
                    "rename_form": own.get("rename")
                    or forms.SectionRenameForm(prefix=prefix, initial={"name": section["name"]}),
                    "zone_form": own.get("zone")
                    or forms.SectionZoneForm(
                        prefix=prefix,
                        initial={"ticket_type": zone["id"] if zone else None},
                        zones=zones,
                        currency=event.currency,
                    ),
                }
            )
        in_use = in_use or bool(layout["totals"]["taken"])
    if add_form is None:
        number = len(sections) + 1
        add_form = forms.SectionForm(
            prefix="add",
            initial={"name": _("Section %(number)s") % {"number": number}, **NEW_SECTION_DEFAULTS},
            zones=zones,
            currency=event.currency,
        )
    now = timezone.now()
    return {
        "event": event,
        "now": now,
        "active_tab": "seats",
        "layout": layout,
        "sections": sections,
        "zones": zones,
        "formset": formset,
        "generate_form": generate_form,
        "add_form": add_form,
        "map_in_use": in_use,
        "generator_open": generator_open,
        "editable": event.status not in (Event.Status.CANCELLED, Event.Status.ENDED) and event.ends_at > now,
        "limits": {
            "rows": seat_maps.MAX_ROWS,
            "seats_per_row": seat_maps.MAX_SEATS_PER_ROW,
            "seats": seat_maps.MAX_SEATS_PER_EVENT,
            "sections": forms.GENERATE_MAX_SECTIONS,
        },
    }


def render_editor(request: HttpRequest, event: Event, **kwargs) -> HttpResponse:
    return render(request, "events/seating/editor.html", editor_context(event, **kwargs))


# --- pages -----------------------------------------------------------------------------------------


class SeatMapEditView(OrganizerRequiredMixin, EventScopedMixin, View):
    def get(self, request, pk):
        return render_editor(request, self.event)


class SeatMapPreviewView(OrganizerRequiredMixin, EventScopedMixin, View):
    """The map as buyers will see it on the event page (components/seat_map.html)."""

    def get(self, request, pk):
        layout = seat_map_layout(event=self.event, taken_seat_ids=seat_ids_taken(event=self.event))
        context = {"event": self.event, "seat_layout": layout, "now": timezone.now(), "active_tab": "seats"}
        return render(request, "events/seating/preview.html", context)


class SeatMapGenerateView(OrganizerRequiredMixin, EventScopedMixin, View):
    """Generate (or regenerate) the grid. "Add another section" and "remove" post back and redraw the list."""

    def post(self, request, pk):
        event = self.event
        zones = list(seat_map_zone_choices(event=event))
        layout = seat_map_layout(event=event)
        if "add_section" in request.POST or "remove_section" in request.POST:
            return self.redraw(request, zones=zones, layout=layout)
        formset = forms.SectionFormSet(
            request.POST, prefix=forms.SECTION_PREFIX, form_kwargs={"zones": zones, "currency": event.currency}
        )
        generate_form = forms.GenerateForm(request.POST, replacing=bool(layout))
        if formset.is_valid() and generate_form.is_valid():
            try:
                seat_maps.seat_map_generate(
                    event=event,
                    sections=formset.specs(),
                    stage_label=generate_form.cleaned_data["stage_label"],
                    actor=request.user,
                    now=timezone.now(),
                )
            except (ValidationError, DomainError) as exc:
                for message in error_messages(exc):
                    generate_form.add_error(None, message)
            else:
                messages.success(request, _("The seat map is ready. Click seats to turn them into aisles or gaps."))
                return redirect(editor_url(event))
        return render_editor(request, event, formset=formset, generate_form=generate_form, generator_open=True)

    def redraw(self, request, *, zones, layout):
        rows = forms.section_rows_from_post(request.POST)
        if "add_section" in request.POST and len(rows) < forms.GENERATE_MAX_SECTIONS:
            rows.append({"name": _("Section %(number)s") % {"number": len(rows) + 1}, **NEW_SECTION_DEFAULTS})
        elif "remove_section" in request.POST and len(rows) > 1:
            with contextlib.suppress(ValueError, IndexError):
                rows.pop(int(request.POST["remove_section"]))
        formset, generate_form = generator_forms(
            self.event, zones=zones, layout=layout, rows=rows or None, stage_label=request.POST.get("stage_label")
        )
        return render_editor(request, self.event, formset=formset, generate_form=generate_form, generator_open=True)


class SeatToggleView(OrganizerRequiredMixin, EventScopedMixin, View):
    """A seat button: turn an available seat into a gap (aisle, pillar) or put a gap back."""

    def post(self, request, pk):
        form = forms.SeatToggleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a seat on the map."))
            return redirect(editor_url(self.event))
        try:
            seat = seat_get_for_event(event=self.event, pk=form.seat_id)
        except NotFound:
            raise Http404 from None
        error = None
        try:
            seat_sections.seat_toggle_removed(seat=seat, removed=form.removed, actor=request.user, now=timezone.now())
        except DomainError as exc:
            error = exc.message
        section_id = seat.row.section_id
        if request.htmx:
            return self.section_fragment(request, section_id=section_id, seat=seat, removed=form.removed, error=error)
        if error:
            messages.error(request, error)
        return redirect(editor_url(self.event, f"seat-{seat.pk}"))

    def section_fragment(self, request, *, section_id: int, seat, removed: bool, error: str | None) -> HttpResponse:
        context = editor_context(self.event)
        section = next((s for s in context["sections"] if s["id"] == section_id), None)
        if error:
            status = error
        elif removed:
            status = _("Row %(row)s seat %(number)s removed.") % {"row": seat.row.label, "number": seat.number}
        else:
            status = _("Row %(row)s seat %(number)s restored.") % {"row": seat.row.label, "number": seat.number}
        return render(
            request,
            "events/seating/_seat_toggled.html",
            {**context, "section": section, "status": status, "status_is_error": bool(error)},
        )


class SectionAddView(OrganizerRequiredMixin, EventScopedMixin, View):
    def post(self, request, pk):
        event = self.event
        zones = list(seat_map_zone_choices(event=event))
        form = forms.SectionForm(request.POST, prefix="add", zones=zones, currency=event.currency)
        if form.is_valid():
            try:
                section = seat_sections.section_add(
                    event=event, spec=form.spec(), actor=request.user, now=timezone.now()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except NotFound:
                messages.error(request, _("Generate a seat map first."))
                return redirect(editor_url(event))
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Section “%(name)s” added.") % {"name": section.name})
                return redirect(editor_url(event, f"section-{section.pk}"))
        return render_editor(request, event, add_form=form)


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form's own fields, anything else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class SectionActionView(OrganizerRequiredMixin, SectionScopedMixin, View):
    """A POST on one section: run ``act`` and go back to the editor, or redraw it with the form's errors."""

    def post(self, request, pk, section_pk):
        self.section = self.get_section()
        return self.act(request, self.section)

    def done(self, message: str, *, anchor: str | None = None) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(editor_url(self.event, anchor or f"section-{self.section.pk}"))

    def failed(self, exc: Exception) -> HttpResponse:
        for message in error_messages(exc):
            messages.error(self.request, message)
        return redirect(editor_url(self.event, f"section-{self.section.pk}"))


class SectionRenameView(SectionActionView):
    def act(self, request, section):
        form = forms.SectionRenameForm(request.POST, prefix=f"s{section.pk}")
        if form.is_valid():
            try:
                seat_sections.section_rename(
                    section=section, name=form.cleaned_data["name"], actor=request.user, now=timezone.now()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return self.done(_("Section renamed to “%(name)s”.") % {"name": form.cleaned_data["name"].strip()})
        return render_editor(request, self.event, section_forms={section.pk: {"rename": form}}, open_section=section.pk)


class SectionZoneView(SectionActionView):
    def act(self, request, section):
        zones = seat_map_zone_choices(event=self.event)
        form = forms.SectionZoneForm(request.POST, prefix=f"s{section.pk}", zones=zones, currency=self.event.currency)
        if form.is_valid():
            ticket_type = form.cleaned_data["ticket_type"]
            try:
                seat_sections.section_assign_zone(
                    section=section, ticket_type=ticket_type, actor=request.user, now=timezone.now()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if ticket_type is None:
                    return self.done(_("“%(section)s” has no price zone now.") % {"section": section.name})
                return self.done(
                    _("“%(section)s” is now priced as %(zone)s.") % {"section": section.name, "zone": ticket_type.name}
                )
        return render_editor(request, self.event, section_forms={section.pk: {"zone": form}}, open_section=section.pk)


class SectionDeleteView(SectionActionView):
    def act(self, request, section):
        try:
            map_deleted = seat_sections.section_delete(section=section, actor=request.user, now=timezone.now())
        except DomainError as exc:
            return self.failed(exc)
        if map_deleted:
            return self.done(_("The last section is deleted, so the seat map is gone."), anchor="main")
        return self.done(_("Section “%(name)s” deleted.") % {"name": section.name}, anchor="main")


class RowAddView(SectionActionView):
    def act(self, request, section):
        try:
            row = seat_sections.row_add(section=section, actor=request.user, now=timezone.now())
        except (ValidationError, DomainError) as exc:
            return self.failed(exc)
        return self.done(_("Row %(row)s added to %(section)s.") % {"row": row.label, "section": section.name})


class RowRemoveView(SectionActionView):
    def act(self, request, section):
        try:
            seat_sections.row_remove(section=section, actor=request.user, now=timezone.now())
        except (ValidationError, DomainError) as exc:
            return self.failed(exc)
        return self.done(_("The last row of %(section)s is removed.") % {"section": section.name})
