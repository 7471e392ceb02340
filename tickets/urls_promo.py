"""The organizer's promo codes, mounted under /dashboard/events/ (namespace ``promo_codes``)."""

from django.urls import path

from tickets.views import promo_codes_organizer as views

urlpatterns = [
    path("<int:pk>/promo-codes/", views.PromoCodeListView.as_view(), name="list"),
    path("<int:pk>/promo-codes/new/", views.PromoCodeCreateView.as_view(), name="create"),
    path("<int:pk>/promo-codes/export.csv", views.PromoCodeExportView.as_view(), name="export"),
    path("<int:pk>/promo-codes/<int:code_pk>/edit/", views.PromoCodeUpdateView.as_view(), name="edit"),
    path("<int:pk>/promo-codes/<int:code_pk>/deactivate/", views.PromoCodeDeactivateView.as_view(), name="deactivate"),
    path("<int:pk>/promo-codes/<int:code_pk>/reactivate/", views.PromoCodeReactivateView.as_view(), name="reactivate"),
    path("<int:pk>/promo-codes/<int:code_pk>/delete/", views.PromoCodeDeleteView.as_view(), name="delete"),
]
