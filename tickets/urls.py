from django.urls import path

from tickets.views import bookings, checkout, seats

app_name = "tickets"
urlpatterns = [
    path("", bookings.MyTicketsView.as_view(), name="my_tickets"),
    path("orders/", bookings.OrderListView.as_view(), name="order_list"),
    path("orders/<str:code>/", bookings.OrderDetailView.as_view(), name="order_detail"),
    path("<int:pk>/qr.png", bookings.TicketFileView.as_view(kind="qr_png"), name="qr"),
    path("<int:pk>/qr.svg", bookings.TicketFileView.as_view(kind="qr_svg"), name="qr_svg"),
    path("<int:pk>/ticket.pdf", bookings.TicketFileView.as_view(kind="pdf"), name="pdf"),
    path("<int:pk>/ticket.ics", bookings.TicketFileView.as_view(kind="ics"), name="ics"),
    path("buy/<slug:slug>/", checkout.HoldStartView.as_view(), name="hold_start"),
    path("buy/<slug:slug>/seats/", seats.SeatPickView.as_view(), name="seat_pick"),
    path("checkout/<uuid:hold_id>/", checkout.CheckoutView.as_view(), name="checkout"),
    path("checkout/<uuid:hold_id>/release/", checkout.HoldReleaseView.as_view(), name="hold_release"),
    path("orders/<str:code>/pay/", checkout.PayView.as_view(), name="pay"),
]
