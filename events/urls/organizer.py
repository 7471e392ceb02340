"""The organizer dashboard, mounted at /dashboard/events/ (namespace "organizer").

The seat map editor shares the mount (namespace "seat_maps", ``<pk>/seats/``); keep clear of that path.
"""

from django.urls import path

from events.views import organizer_events as event_views
from events.views import organizer_pricing as pricing_views
from events.views import organizer_staff as staff_views
from events.views import organizer_ticket_types as ticket_type_views

urlpatterns = [
    path("", event_views.EventListView.as_view(), name="event_list"),
    path("new/", event_views.EventCreateView.as_view(), name="event_create"),
    path("<int:pk>/", event_views.EventDetailView.as_view(), name="event_detail"),
    path("<int:pk>/edit/", event_views.EventUpdateView.as_view(), name="event_edit"),
    path("<int:pk>/publish/", event_views.EventPublishView.as_view(), name="event_publish"),
    path("<int:pk>/unpublish/", event_views.EventUnpublishView.as_view(), name="event_unpublish"),
    path("<int:pk>/duplicate/", event_views.EventDuplicateView.as_view(), name="event_duplicate"),
    path("<int:pk>/cancel/", event_views.EventCancelView.as_view(), name="event_cancel"),
    path("<int:pk>/delete/", event_views.EventDeleteView.as_view(), name="event_delete"),
    path("<int:pk>/tickets/", ticket_type_views.EventTicketsView.as_view(), name="event_tickets"),
    path("<int:pk>/tickets/new/", ticket_type_views.TicketTypeCreateView.as_view(), name="ticket_type_create"),
    path(
        "<int:pk>/tickets/pricing-preview/",
        pricing_views.TicketTypePricingPreviewView.as_view(),
        name="ticket_type_pricing_preview",
    ),
    path("<int:pk>/tickets/<int:tt>/edit/", ticket_type_views.TicketTypeUpdateView.as_view(), name="ticket_type_edit"),
    path(
        "<int:pk>/tickets/<int:tt>/delete/", ticket_type_views.TicketTypeDeleteView.as_view(), name="ticket_type_delete"
    ),
    path("<int:pk>/pools/new/", ticket_type_views.CapacityPoolSaveView.as_view(), name="pool_create"),
    path("<int:pk>/pools/<int:pool>/", ticket_type_views.CapacityPoolSaveView.as_view(), name="pool_update"),
    path("<int:pk>/pools/<int:pool>/delete/", ticket_type_views.CapacityPoolDeleteView.as_view(), name="pool_delete"),
    path("<int:pk>/staff/", staff_views.EventStaffView.as_view(), name="event_staff"),
    path("<int:pk>/staff/<int:user_id>/remove/", staff_views.EventStaffRemoveView.as_view(), name="staff_remove"),
]
