"""Organizer and admin pages: the live gate dashboard of an event, and the audit log (actions and scans).

Events come through ``event_get_for_organizer`` (admins see all), so another organizer's event answers 404.
The live part is a partial that htmx re-fetches every 5 seconds; without JavaScript the page is a snapshot.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRefresh

from checkin.charts import bar_chart
from checkin.forms import AuditFilterForm, ScanFilterForm, valid_filters
from checkin.selectors import (
    audit_actions,
    audit_entry_list,
    audit_entry_list_for_event,
    audit_target_types,
    checkin_stats,
    scan_list,
    scan_list_recent,
)
from core.errors import NotFound
from core.views import AdminRequiredMixin, OrganizerRequiredMixin
from events.models import Event
from events.selectors.organizer import event_get_for_organizer

AUDIT_PAGE_SIZE = 50
RECENT_SCANS = 20
AUDIT_TABS = ("actions", "scans")


def live_context(*, event: Event, now) -> dict:
    """Everything the live partial shows, in a fixed number of queries (five)."""
    stats = checkin_stats(event=event, now=now)
    stats["percent"] = round(100 * stats["admitted"] / stats["expected"]) if stats["expected"] else 0
    return {
        "stats": stats,
        "chart": bar_chart(stats["per_minute"]),
        "recent_scans": scan_list_recent(event=event, limit=RECENT_SCANS),
        "rejections": scan_list_recent(event=event, rejected_only=True, limit=RECENT_SCANS),
    }


class OrganizerEventMixin(OrganizerRequiredMixin):
    @cached_property
    def event(self) -> Event:
        try:
            return event_get_for_organizer(organizer=self.request.user, pk=self.kwargs["pk"])
        except NotFound as exc:
            raise Http404 from exc


class EventCheckinView(OrganizerEventMixin, TemplateView):
    """The live gate dashboard: admitted vs expected, check-ins per minute, gates, recent scans."""

    template_name = "checkin/dashboard/event_checkin.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        return {
            **super().get_context_data(**kwargs),
            "event": self.event,
            "now": now,
            "active_tab": "checkin",
            "section": "live",
            **live_context(event=self.event, now=now),
        }


class EventCheckinLiveView(EventCheckinView):
    """The live part alone, polled by htmx."""

    template_name = "checkin/dashboard/_live.html"

    def handle_no_permission(self):
        if self.request.htmx and not self.request.user.is_authenticated:
            return HttpResponseClientRefresh()  # signed out meanwhile: reload into the login page
        return super().handle_no_permission()


def paginate(request, queryset) -> dict:
    page = Paginator(queryset, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "rows": list(page.object_list),
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        "params": request.GET,
    }


def audit_tab(request) -> str:
    tab = request.GET.get("tab", "actions")
    return tab if tab in AUDIT_TABS else "actions"


class EventAuditView(OrganizerEventMixin, TemplateView):
    """What happened to one event: organizer and admin actions, and every scan at its gates."""

    template_name = "checkin/dashboard/event_audit.html"

    def get_context_data(self, **kwargs):
        tab = audit_tab(self.request)
        if tab == "scans":
            form = ScanFilterForm(self.request.GET, with_event=False)
            filters = valid_filters(form)
            rows = scan_list(event=self.event, result=filters.get("result", ""), staff_email=filters.get("staff", ""))
        else:
            form = AuditFilterForm(self.request.GET, actions=audit_actions(event=self.event))
            filters = valid_filters(form)
            rows = audit_entry_list_for_event(event=self.event, **filters)
        return {
            **super().get_context_data(**kwargs),
            "event": self.event,
            "now": timezone.now(),
            "active_tab": "checkin",
            "section": "audit",
            "tab": tab,
            "form": form,
            "filtered": bool(filters),
            **paginate(self.request, rows),
        }


class AdminAuditView(AdminRequiredMixin, TemplateView):
    """The whole audit log for admins, with the scan log as a second tab."""

    template_name = "checkin/dashboard/admin_audit.html"

    def get_context_data(self, **kwargs):
        tab = audit_tab(self.request)
        if tab == "scans":
            form = ScanFilterForm(self.request.GET)
            filters = valid_filters(form)
            rows = scan_list(
                event_search=filters.get("event", ""),
                result=filters.get("result", ""),
                staff_email=filters.get("staff", ""),
            )
        else:
            form = AuditFilterForm(self.request.GET, actions=audit_actions(), target_types=audit_target_types())
            filters = valid_filters(form)
            rows = audit_entry_list(
                action=filters.get("action", ""),
                actor_email=filters.get("actor", ""),
                target_type=filters.get("target_type", ""),
                date_from=filters.get("date_from"),
                date_to=filters.get("date_to"),
            )
        return {
            **super().get_context_data(**kwargs),
            "tab": tab,
            "form": form,
            "filtered": bool(filters),
            **paginate(self.request, rows),
        }
