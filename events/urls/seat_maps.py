"""The seat map editor, mounted at /dashboard/events/ with the namespace "seat_maps"."""

from django.urls import path

from events.views import seat_maps as views

urlpatterns = [
    path("<int:pk>/seats/", views.SeatMapEditView.as_view(), name="edit"),
    path("<int:pk>/seats/generate/", views.SeatMapGenerateView.as_view(), name="generate"),
    path("<int:pk>/seats/preview/", views.SeatMapPreviewView.as_view(), name="preview"),
    path("<int:pk>/seats/toggle/", views.SeatToggleView.as_view(), name="seat_toggle"),
    path("<int:pk>/seats/sections/add/", views.SectionAddView.as_view(), name="section_add"),
    path("<int:pk>/seats/sections/<int:section_pk>/rename/", views.SectionRenameView.as_view(), name="section_rename"),
    path("<int:pk>/seats/sections/<int:section_pk>/zone/", views.SectionZoneView.as_view(), name="section_zone"),
    path("<int:pk>/seats/sections/<int:section_pk>/delete/", views.SectionDeleteView.as_view(), name="section_delete"),
    path("<int:pk>/seats/sections/<int:section_pk>/rows/add/", views.RowAddView.as_view(), name="row_add"),
    path("<int:pk>/seats/sections/<int:section_pk>/rows/remove/", views.RowRemoveView.as_view(), name="row_remove"),
]
