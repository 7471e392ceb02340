from django.urls import path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.MyTicketsView.as_view(), name="my_tickets"),
    path("orders/", views.OrderListView.as_view(), name="order_list"),
    path("orders/<str:code>/", views.OrderDetailView.as_view(), name="order_detail"),
    path("<int:pk>/qr.png", views.TicketQrView.as_view(), name="qr"),
]
