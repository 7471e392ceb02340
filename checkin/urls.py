"""Pages mounted at /dashboard/ (namespace "checkin"). The organizer's event paths sit beside those of
``events.urls.organizer`` under events/<pk>/; keep clear of theirs (staff/, tickets/, bookings/, seats/)."""

from django.urls import path

from checkin import views

urlpatterns = [
    path("events/<int:pk>/checkin/", views.EventCheckinView.as_view(), name="event_checkin"),
    path("events/<int:pk>/checkin/live/", views.EventCheckinLiveView.as_view(), name="event_checkin_live"),
    path("events/<int:pk>/audit/", views.EventAuditView.as_view(), name="event_audit"),
    path("admin/audit/", views.AdminAuditView.as_view(), name="admin_audit"),
]
