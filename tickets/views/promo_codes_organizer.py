"""The organizer's promo codes of one event: the list with uses and performance, create (or generate a batch),
edit, deactivate or reactivate, delete, and a CSV export. Mounted under /dashboard/events/ (namespace
``promo_codes``).

Events are fetched through ``event_get_for_organizer`` and codes through ``promo_code_get_for_organizer`` (admins
see everything), so another organizer's event or code answers 404 on every page and every POST. Forms validate,
services write (and audit), each outcome becomes a toast. Plain forms; htmx only swaps the tab in place.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError
from events.models import Event
from events.views.organizer_base import OrganizerEventMixin, add_service_error, get_or_404
from tickets.exports import csv_response
from tickets.forms_promo import PromoCodeForm
from tickets.models import PromoCode
from tickets.selectors_promo import promo_code_get_for_organizer, promo_code_list_for_event
from tickets.services.promo_codes import (
    promo_code_create,
    promo_code_deactivate,
    promo_code_delete,
    promo_code_reactivate,
    promo_code_update,
    promo_codes_generate,
)

CSV_DATE_FORMAT = "%Y-%m-%d %H:%M"


def promo_codes_url(event: Event) -> str:
    return reverse("promo_codes:list", args=[event.pk])


class PromoCodeListView(OrganizerEventMixin, TemplateView):
    """The codes table with totals, and the add (or edit) form. Sub-views render it again with a refused form."""

    template_name = "tickets/organizer/promo_codes.html"

    def get_context_data(self, **kwargs):
        event = self.event
        editing = kwargs.get("editing")
        if kwargs.get("form") is None:
            kwargs["form"] = PromoCodeForm(event=event, promo_code=editing)
        search = self.request.GET.get("q", "").strip()[:60]
        codes = list(promo_code_list_for_event(event=event, search=search))
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "promo_codes",
            "codes": codes,
            "search": search,
            "totals": {
                "codes": len(codes),
                "active": sum(1 for code in codes if code.is_active),
                "orders": sum(code.orders_paid for code in codes),
                "discount": sum((code.discount_given for code in codes), 0),
                "revenue": sum((code.revenue for code in codes), 0),
            },
            "has_hidden_types": any(tt.is_hidden for tt in kwargs["form"].fields["ticket_types"].queryset),
        }


class PromoCodeCreateView(PromoCodeListView):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        form = PromoCodeForm(request.POST, event=self.event)
        if form.is_valid():
            data, now = form.service_data(), timezone.now()
            try:
                if form.cleaned_data["count"] > 1:
                    created = promo_codes_generate(
                        event=self.event,
                        count=form.cleaned_data["count"],
                        prefix=form.cleaned_data["code"],
                        actor=request.user,
                        now=now,
                        **data,
                    )
                    message = _("%(count)d codes were generated.") % {"count": len(created)}
                else:
                    created = promo_code_create(
                        event=self.event, code=form.cleaned_data["code"] or None, actor=request.user, now=now, **data
                    )
                    message = _("Promo code %(code)s is ready to share.") % {"code": created.code}
            except ValidationError as exc:
                add_service_error(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, message)
                return redirect(promo_codes_url(self.event))
        return self.render_to_response(self.get_context_data(form=form))


class PromoCodeObjectMixin(PromoCodeListView):
    """A page or action about one code of the event in the URL (``code_pk``)."""

    @cached_property
    def promo_code(self) -> PromoCode:
        promo_code = get_or_404(promo_code_get_for_organizer, organizer=self.request.user, pk=self.kwargs["code_pk"])
        if promo_code.event_id != self.event.pk:
            raise Http404
        return promo_code

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect(promo_codes_url(self.event))


class PromoCodeUpdateView(PromoCodeObjectMixin):
    http_method_names = ["get", "post"]

    def get(self, request, pk: int, code_pk: int):
        if self.promo_code.source != PromoCode.Source.ORGANIZER:
            messages.info(request, _("Referral rewards are managed by the referral program."))
            return redirect(promo_codes_url(self.event))
        return self.render_to_response(self.get_context_data(editing=self.promo_code))

    def post(self, request, pk: int, code_pk: int):
        form = PromoCodeForm(request.POST, event=self.event, promo_code=self.promo_code)
        if form.is_valid():
            try:
                saved = promo_code_update(
                    promo_code=self.promo_code,
                    data={"code": form.cleaned_data["code"], **form.service_data()},
                    actor=request.user,
                    now=timezone.now(),
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return self.done(_("Promo code %(code)s is saved.") % {"code": saved.code})
        return self.render_to_response(self.get_context_data(form=form, editing=self.promo_code))


class PromoCodeDeactivateView(PromoCodeObjectMixin):
    http_method_names = ["post"]

    def post(self, request, pk: int, code_pk: int):
        promo_code_deactivate(
            promo_code=self.promo_code,
            actor=request.user,
            reason=request.POST.get("reason", "")[:200],
            now=timezone.now(),
        )
        return self.done(_("Promo code %(code)s no longer works. Orders placed with it keep their discount.")
                         % {"code": self.promo_code.code})  # fmt: skip


class PromoCodeReactivateView(PromoCodeObjectMixin):
    http_method_names = ["post"]

    def post(self, request, pk: int, code_pk: int):
        try:
            promo_code_reactivate(promo_code=self.promo_code, actor=request.user, now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(promo_codes_url(self.event))
        return self.done(_("Promo code %(code)s works again.") % {"code": self.promo_code.code})


class PromoCodeDeleteView(PromoCodeObjectMixin):
    http_method_names = ["post"]

    def post(self, request, pk: int, code_pk: int):
        code = self.promo_code.code
        try:
            removed = promo_code_delete(promo_code=self.promo_code, actor=request.user, now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(promo_codes_url(self.event))
        if removed:
            return self.done(_("Promo code %(code)s is deleted.") % {"code": code})
        return self.done(_("Orders were placed with %(code)s, so it is kept for your records and deactivated.")
                         % {"code": code})  # fmt: skip


class PromoCodeExportView(OrganizerEventMixin, View):
    """Every code of the event (matching the page's search) with its rules and performance, as CSV."""

    header = (
        gettext_lazy("Code"),
        gettext_lazy("Status"),
        gettext_lazy("Discount type"),
        gettext_lazy("Discount"),
        gettext_lazy("Applies to"),
        gettext_lazy("Uses"),
        gettext_lazy("Max uses"),
        gettext_lazy("Uses per buyer"),
        gettext_lazy("Valid from"),
        gettext_lazy("Valid until"),
        gettext_lazy("Unlocks hidden ticket types"),
        gettext_lazy("Paid orders"),
        gettext_lazy("Discount given"),
        gettext_lazy("Revenue"),
        gettext_lazy("Currency"),
        gettext_lazy("Source"),
        gettext_lazy("Note"),
        gettext_lazy("Created"),
    )

    def local(self, moment) -> str:
        return timezone.localtime(moment, self.event.tz).strftime(CSV_DATE_FORMAT) if moment else ""

    def get(self, request, *args, **kwargs):
        codes = promo_code_list_for_event(event=self.event, search=request.GET.get("q", "").strip()[:60])
        rows = (
            (
                code.code,
                _("Active") if code.is_active else _("Inactive"),
                code.get_kind_display(),
                code.value,
                ", ".join(tt.name for tt in code.ticket_types.all()) or _("All ticket types"),
                code.uses,
                code.max_uses if code.max_uses is not None else "",
                code.per_user_limit if code.per_user_limit is not None else "",
                self.local(code.valid_from),
                self.local(code.valid_until),
                _("yes") if code.unlocks_hidden else _("no"),
                code.orders_paid,
                code.discount_given,
                code.revenue,
                self.event.currency,
                code.get_source_display(),
                code.note,
                self.local(code.created_at),
            )
            for code in codes
        )
        filename = f"{self.event.slug}-promo-codes.csv"
        return csv_response(filename=filename, header=[str(h) for h in self.header], rows=rows)
