from django.urls import path

from events.views import public as views

# The fixed paths come before the slug patterns, so no event slug can shadow them.
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("wishlist/", views.WishlistView.as_view(), name="wishlist"),
    path("category/<slug:slug>/", views.CategoryEventListView.as_view(), name="category"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/calendar.ics", views.EventCalendarView.as_view(), name="ics"),
    path("<slug:slug>/wishlist/", views.WishlistToggleView.as_view(), name="wishlist_toggle"),
]
