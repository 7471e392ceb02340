"""Applications to approval-required events (namespace ``applications``), mounted at the site root:
the apply page beside the event page, the applicant's pages under /tickets/applications/, and the
organizer's review queue under /dashboard/events/<pk>/applications/."""

from django.urls import path

from tickets.views import applications, organizer_applications

urlpatterns = [
    path("events/<slug:slug>/apply/", applications.ApplicationCreateView.as_view(), name="apply"),
    path("tickets/applications/", applications.ApplicationListView.as_view(), name="list"),
    path("tickets/applications/<int:pk>/", applications.ApplicationDetailView.as_view(), name="detail"),
    path("tickets/applications/<int:pk>/withdraw/", applications.ApplicationWithdrawView.as_view(), name="withdraw"),
    path("tickets/applications/files/<int:pk>/", applications.ApplicationAttachmentView.as_view(), name="attachment"),
    path(
        "dashboard/events/<int:pk>/applications/",
        organizer_applications.EventApplicationListView.as_view(),
        name="organizer_list",
    ),
    path(
        "dashboard/events/<int:pk>/applications/<int:application>/",
        organizer_applications.EventApplicationDetailView.as_view(),
        name="organizer_detail",
    ),
    path(
        "dashboard/events/<int:pk>/applications/<int:application>/approve/",
        organizer_applications.EventApplicationApproveView.as_view(),
        name="organizer_approve",
    ),
    path(
        "dashboard/events/<int:pk>/applications/<int:application>/decline/",
        organizer_applications.EventApplicationDeclineView.as_view(),
        name="organizer_decline",
    ),
]
