"""The organizer's bookings pages, mounted under /dashboard/events/ (namespace ``bookings``)."""

from django.urls import path

from tickets.views import organizer, organizer_reissue, referrals_organizer

urlpatterns = [
    path("<int:pk>/bookings/", organizer.BookingOrderListView.as_view(), name="orders"),
    path("<int:pk>/bookings/orders.csv", organizer.BookingOrderExportView.as_view(), name="orders_csv"),
    path("<int:pk>/bookings/attendees/", organizer.BookingAttendeeListView.as_view(), name="attendees"),
    path("<int:pk>/bookings/attendees.csv", organizer.BookingAttendeeExportView.as_view(), name="attendees_csv"),
    path(
        "<int:pk>/bookings/tickets/<int:ticket_pk>/reissue/",
        organizer_reissue.BookingTicketReissueView.as_view(),
        name="ticket_reissue",
    ),
    path("<int:pk>/referrals/", referrals_organizer.EventReferralsView.as_view(), name="referrals"),
    path("<int:pk>/referrals.csv", referrals_organizer.EventReferralsExportView.as_view(), name="referrals_csv"),
]
