from django.urls import path

from tickets.views import bookings, cancellations, checkout, checkout_promo, referrals, seats, transfers

app_name = "tickets"
urlpatterns = [
    path("", bookings.MyTicketsView.as_view(), name="my_tickets"),
    path("orders/", bookings.OrderListView.as_view(), name="order_list"),
    path("orders/<str:code>/", bookings.OrderDetailView.as_view(), name="order_detail"),
    path("<int:pk>/qr.png", bookings.TicketFileView.as_view(kind="qr_png"), name="qr"),
    path("<int:pk>/qr.svg", bookings.TicketFileView.as_view(kind="qr_svg"), name="qr_svg"),
    path("<int:pk>/ticket.pdf", bookings.TicketFileView.as_view(kind="pdf"), name="pdf"),
    path("<int:pk>/ticket.ics", bookings.TicketFileView.as_view(kind="ics"), name="ics"),
    path("<int:pk>/transfer/", transfers.TicketTransferView.as_view(), name="transfer"),
    path("<int:pk>/transfer/cancel/", transfers.TicketTransferCancelView.as_view(), name="transfer_cancel"),
    path("<int:pk>/new-code/", transfers.TicketReissueView.as_view(), name="reissue"),
    path("transfers/<str:token>/", transfers.TransferAcceptView.as_view(), name="transfer_accept"),
    path("buy/<slug:slug>/", checkout.HoldStartView.as_view(), name="hold_start"),
    path("buy/<slug:slug>/seats/", seats.SeatPickView.as_view(), name="seat_pick"),
    path("checkout/<uuid:hold_id>/", checkout.CheckoutView.as_view(), name="checkout"),
    path("checkout/<uuid:hold_id>/release/", checkout.HoldReleaseView.as_view(), name="hold_release"),
    path("checkout/<uuid:hold_id>/promo/", checkout_promo.CheckoutPromoApplyView.as_view(), name="checkout_promo"),
    path("orders/<str:code>/pay/", checkout.PayView.as_view(), name="pay"),
    path("orders/<str:code>/cancel/", cancellations.OrderCancelView.as_view(), name="order_cancel"),
    path("orders/<str:code>/cancel/quote/", cancellations.OrderCancelQuoteView.as_view(), name="order_cancel_quote"),
    path("rewards/", referrals.RewardListView.as_view(), name="rewards"),
    path("referrals/<int:event_pk>/link/", referrals.ReferralLinkCreateView.as_view(), name="referral_link_create"),
    path("checkout/<uuid:hold_id>/referral/remove/", referrals.ReferralRemoveView.as_view(), name="referral_remove"),
]
