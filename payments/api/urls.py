from django.urls import path

from payments.api import views

urlpatterns = [
    path("orders/<str:code>/pay/", views.OrderPayApi.as_view(), name="order-pay"),
    path("orders/<str:code>/pay/confirm/", views.OrderPayConfirmApi.as_view(), name="order-pay-confirm"),
    path("payments/", views.PaymentListApi.as_view(), name="payment-list"),
    path("payments/user/<int:user_id>/", views.PaymentUserListApi.as_view(), name="payment-list-user"),
    path("payments/ticket/<int:ticket_id>/", views.PaymentTicketListApi.as_view(), name="payment-list-ticket"),
]
