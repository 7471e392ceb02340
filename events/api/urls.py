"""Catalogue, organizer and wishlist endpoints under /api/v1/ (SPEC §10)."""

from django.urls import path

from events.api import organizer, organizer_staff, organizer_ticket_types, views

urlpatterns = [
    # Public catalogue
    path("categories/", views.CategoryListApi.as_view(), name="api-category-list"),
    path("events/", views.EventListApi.as_view(), name="api-event-list"),
    path("events/<slug:slug>/", views.EventDetailApi.as_view(), name="api-event-detail"),
    path("events/<slug:slug>/seats/", views.EventSeatsApi.as_view(), name="api-event-seats"),
    # Wishlist
    path("wishlist/", views.WishlistApi.as_view(), name="api-wishlist"),
    path("wishlist/<slug:slug>/", views.WishlistItemApi.as_view(), name="api-wishlist-item"),
    # Organizer
    path("organizer/events/", organizer.OrganizerEventListApi.as_view(), name="api-organizer-event-list"),
    path("organizer/events/<int:pk>/", organizer.OrganizerEventDetailApi.as_view(), name="api-organizer-event"),
    path(
        "organizer/events/<int:pk>/publish/",
        organizer.OrganizerEventPublishApi.as_view(),
        name="api-organizer-event-publish",
    ),
    path(
        "organizer/events/<int:pk>/unpublish/",
        organizer.OrganizerEventUnpublishApi.as_view(),
        name="api-organizer-event-unpublish",
    ),
    path(
        "organizer/events/<int:pk>/duplicate/",
        organizer.OrganizerEventDuplicateApi.as_view(),
        name="api-organizer-event-duplicate",
    ),
    path(
        "organizer/events/<int:pk>/cancel/",
        organizer.OrganizerEventCancelApi.as_view(),
        name="api-organizer-event-cancel",
    ),
    path(
        "organizer/events/<int:pk>/ticket-types/",
        organizer_ticket_types.OrganizerTicketTypeListApi.as_view(),
        name="api-organizer-ticket-type-list",
    ),
    path(
        "organizer/ticket-types/<int:pk>/",
        organizer_ticket_types.OrganizerTicketTypeDetailApi.as_view(),
        name="api-organizer-ticket-type",
    ),
    path(
        "organizer/events/<int:pk>/capacity-pools/",
        organizer_ticket_types.OrganizerCapacityPoolListApi.as_view(),
        name="api-organizer-capacity-pool-list",
    ),
    path(
        "organizer/capacity-pools/<int:pk>/",
        organizer_ticket_types.OrganizerCapacityPoolDetailApi.as_view(),
        name="api-organizer-capacity-pool",
    ),
    path(
        "organizer/events/<int:pk>/staff/",
        organizer_staff.OrganizerStaffListApi.as_view(),
        name="api-organizer-staff-list",
    ),
    path(
        "organizer/events/<int:pk>/staff/<int:user_id>/",
        organizer_staff.OrganizerStaffDetailApi.as_view(),
        name="api-organizer-staff",
    ),
    path("organizer/venues/", organizer.OrganizerVenueListApi.as_view(), name="api-organizer-venue-list"),
]
