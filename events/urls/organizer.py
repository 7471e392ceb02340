"""The organizer dashboard, mounted at /dashboard/events/ (namespace "organizer").

The seat map editor shares the mount (namespace "seat_maps", ``<pk>/seats/``); keep clear of that path.
"""

from django.urls import path

from events.views import organizer as views

urlpatterns = [
    path("", views.EventListView.as_view(), name="event_list"),
    path("new/", views.EventCreateView.as_view(), name="event_create"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("<int:pk>/edit/", views.EventUpdateView.as_view(), name="event_edit"),
    path("<int:pk>/publish/", views.EventPublishView.as_view(), name="event_publish"),
    path("<int:pk>/unpublish/", views.EventUnpublishView.as_view(), name="event_unpublish"),
    path("<int:pk>/duplicate/", views.EventDuplicateView.as_view(), name="event_duplicate"),
    path("<int:pk>/cancel/", views.EventCancelView.as_view(), name="event_cancel"),
    path("<int:pk>/delete/", views.EventDeleteView.as_view(), name="event_delete"),
    path("<int:pk>/tickets/", views.EventTicketsView.as_view(), name="event_tickets"),
    path("<int:pk>/tickets/new/", views.TicketTypeCreateView.as_view(), name="ticket_type_create"),
    path("<int:pk>/tickets/<int:tt>/edit/", views.TicketTypeUpdateView.as_view(), name="ticket_type_edit"),
    path("<int:pk>/tickets/<int:tt>/delete/", views.TicketTypeDeleteView.as_view(), name="ticket_type_delete"),
    path("<int:pk>/pools/new/", views.CapacityPoolSaveView.as_view(), name="pool_create"),
    path("<int:pk>/pools/<int:pool>/", views.CapacityPoolSaveView.as_view(), name="pool_update"),
    path("<int:pk>/pools/<int:pool>/delete/", views.CapacityPoolDeleteView.as_view(), name="pool_delete"),
    path("<int:pk>/staff/", views.EventStaffView.as_view(), name="event_staff"),
    path("<int:pk>/staff/<int:user_id>/remove/", views.EventStaffRemoveView.as_view(), name="staff_remove"),
]
