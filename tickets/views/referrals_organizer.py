"""The organizer's "Referrals" tab of one event: the program's settings, its totals, the top referrers and every
referred order (with a CSV export).

The event comes from ``event_get_for_organizer`` (admins see every event), so another organizer's event
answers 404 on the page, the settings form and the export.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from events.views.organizer_base import OrganizerEventMixin, add_service_error
from tickets.exports import csv_response
from tickets.forms_referrals import ReferralSettingsForm
from tickets.models import Referral
from tickets.selectors_referrals import (
    event_discount_label,
    event_reward_label,
    referral_list_for_event,
    referral_summary_for_event,
    referral_top_referrers,
)
from tickets.services.referrals import referral_settings_update

PAGE_SIZE = 25
CSV_DATE_FORMAT = "%Y-%m-%d %H:%M"


class EventReferralsView(OrganizerEventMixin, TemplateView):
    template_name = "tickets/organizer/referrals.html"

    def get_context_data(self, **kwargs):
        event = self.event
        status = self.request.GET.get("status", "")
        status = status if status in Referral.Status.values else ""
        page = Paginator(referral_list_for_event(event=event, status=status), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "referrals",
            "form": kwargs.get("form") or ReferralSettingsForm(event=event),
            "summary": referral_summary_for_event(event=event),
            "top_referrers": list(referral_top_referrers(event=event)),
            "discount_label": event_discount_label(event),
            "reward_label": event_reward_label(event),
            "status": status,
            "status_choices": Referral.Status.choices,
            "page_obj": page,
            "rows": list(page.object_list),
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
            "params": self.request.GET,
        }

    def post(self, request, *args, **kwargs):
        form = ReferralSettingsForm(request.POST, event=self.event)
        if form.is_valid():
            try:
                event = referral_settings_update(
                    event=self.event, values=form.settings(), actor=request.user, now=timezone.now()
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                if event.referral_enabled:
                    messages.success(request, _("The referral program is on. Ticket holders can share their links."))
                else:
                    messages.success(request, _("The referral program is off. Links no longer give a discount."))
                return redirect("bookings:referrals", pk=event.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EventReferralsExportView(OrganizerEventMixin, View):
    """Every referred order of the event (or those of one status), as CSV."""

    header = (
        gettext_lazy("Date"),
        gettext_lazy("Referrer name"),
        gettext_lazy("Referrer e-mail"),
        gettext_lazy("Referral code"),
        gettext_lazy("Order"),
        gettext_lazy("Buyer name"),
        gettext_lazy("Buyer e-mail"),
        gettext_lazy("Order status"),
        gettext_lazy("Discount"),
        gettext_lazy("Order total"),
        gettext_lazy("Currency"),
        gettext_lazy("Referral status"),
        gettext_lazy("Reward code"),
        gettext_lazy("Reward used"),
        gettext_lazy("Rewarded at"),
        gettext_lazy("Revoked at"),
    )

    def local(self, moment) -> str:
        return timezone.localtime(moment, self.event.tz).strftime(CSV_DATE_FORMAT) if moment else ""

    def get(self, request, *args, **kwargs):
        status = request.GET.get("status", "")
        referrals = referral_list_for_event(event=self.event, status=status)
        rows = (
            (
                self.local(referral.created_at),
                referral.link.referrer.name,
                referral.link.referrer.email,
                referral.link.code,
                referral.order.code,
                referral.referred_user.name,
                referral.referred_user.email,
                referral.order.get_status_display(),
                referral.discount,
                referral.order.total,
                referral.order.currency,
                referral.get_status_display(),
                referral.reward_code.code if referral.reward_code else "",
                _reward_used(referral),
                self.local(referral.rewarded_at),
                self.local(referral.revoked_at),
            )
            for referral in referrals.iterator(chunk_size=1000)
        )
        filename = f"{self.event.slug}-referrals.csv"
        return csv_response(filename=filename, header=[str(h) for h in self.header], rows=rows)


def _reward_used(referral: Referral) -> str:
    code = referral.reward_code
    if code is None:
        return ""
    return _("yes") if referral.reward_was_used or code.uses > 0 else _("no")
