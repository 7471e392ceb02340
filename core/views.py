from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.models import User
from accounts.selectors import user_counts_by_role, user_list_recent
from core.selectors import audit_entry_list_for_actor, audit_entry_list_recent
from events.selectors.organizer import event_counts_for_organizer, event_list_upcoming_for_organizer
from events.selectors.public import category_counts, events_featured, events_upcoming


class HomeView(TemplateView):
    """Discover: search, featured and upcoming events, and the categories with something on."""

    template_name = "core/home.html"
    featured_limit = 3
    upcoming_limit = 8

    def get_context_data(self, **kwargs):
        now = timezone.now()
        viewer = self.request.user
        featured = events_featured(now=now, viewer=viewer, limit=self.featured_limit)
        upcoming = events_upcoming(
            now=now, viewer=viewer, limit=self.upcoming_limit, exclude_ids=[event.pk for event in featured]
        )
        return {
            **super().get_context_data(**kwargs),
            "featured": featured,
            "upcoming": upcoming,
            "categories": [category for category in category_counts(now=now) if category.upcoming],
        }


class OrganizerRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Organizers and admins; everyone else gets 404, not a hint that the page exists."""

    raise_exception = False

    def test_func(self) -> bool:
        return self.request.user.is_organizer

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404
        return super().handle_no_permission()


class AdminRequiredMixin(OrganizerRequiredMixin):
    def test_func(self) -> bool:
        return self.request.user.is_admin


class DashboardView(OrganizerRequiredMixin, TemplateView):
    """The organizer's home: events by status, the next events with their sales, readiness and activity."""

    template_name = "core/dashboard.html"
    upcoming_limit = 5

    def get_context_data(self, **kwargs):
        user, now = self.request.user, timezone.now()
        event_counts = event_counts_for_organizer(organizer=user, now=now)
        checklist = [
            {"done": user.is_verified, "label": "Verify your e-mail address", "url": "accounts:verify"},
            {"done": bool(user.phone and user.city), "label": "Add a phone number and city", "url": "accounts:profile"},
            {"done": bool(user.avatar), "label": "Upload a profile picture", "url": "accounts:profile"},
            {"done": bool(event_counts["all"]), "label": "Create your first event", "url": "organizer:event_create"},
        ]
        return {
            **super().get_context_data(**kwargs),
            "now": now,
            "event_counts": event_counts,
            "upcoming_events": list(
                event_list_upcoming_for_organizer(organizer=user, now=now, limit=self.upcoming_limit)
            ),
            "checklist": checklist,
            "checklist_done": sum(item["done"] for item in checklist),
            "activity": list(audit_entry_list_for_actor(actor=user).select_related("actor")[:10]),
        }


class AdminDashboardView(AdminRequiredMixin, TemplateView):
    template_name = "core/admin_dashboard.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "role_counts": [(User.Role(role).label, count) for role, count in user_counts_by_role().items()],
            "recent_users": list(user_list_recent()),
            "recent_audit": list(audit_entry_list_recent(limit=12)),
        }


def health(request):
    """Liveness and database reachability for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_404(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": "Not found.", "fields": {}}}, status=404)
    return render(request, "404.html", status=404)


def error_500(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "Something went wrong on our side.", "fields": {}}},
            status=500,
        )
    return render(request, "500.html", status=500)


def error_400(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "bad_request", "message": "Bad request.", "fields": {}}}, status=400)
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "permission_denied", "message": "Forbidden.", "fields": {}}}, status=403)
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
