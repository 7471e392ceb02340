from django.urls import path

from tickets.api import views

urlpatterns = [
    path("holds/", views.HoldCreateApi.as_view(), name="hold-create"),
    path("holds/<uuid:hold_id>/", views.HoldDetailApi.as_view(), name="hold-detail"),
    path("holds/<uuid:hold_id>/checkout/", views.HoldCheckoutApi.as_view(), name="hold-checkout"),
    path("orders/", views.OrderListApi.as_view(), name="order-list"),
    path("orders/<str:code>/", views.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<str:code>/cancel/", views.OrderCancelApi.as_view(), name="order-cancel"),
    path("tickets/", views.TicketListApi.as_view(), name="ticket-list"),
    path("tickets/<int:pk>/", views.TicketDetailApi.as_view(), name="ticket-detail"),
]
