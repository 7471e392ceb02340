from django.urls import path

from tickets.api import applications, cancellations, promo_codes, referrals, transfers, views

urlpatterns = [
    # Applications to approval-required events
    path("events/<slug:slug>/apply/", applications.EventApplyApi.as_view(), name="api-event-apply"),
    path("applications/", applications.ApplicationListApi.as_view(), name="api-application-list"),
    path("applications/<int:pk>/", applications.ApplicationDetailApi.as_view(), name="api-application"),
    path(
        "applications/<int:pk>/withdraw/",
        applications.ApplicationWithdrawApi.as_view(),
        name="api-application-withdraw",
    ),
    path(
        "applications/attachments/<int:pk>/",
        applications.ApplicationAttachmentApi.as_view(),
        name="api-application-attachment",
    ),
    path(
        "organizer/events/<int:pk>/applications/",
        applications.OrganizerApplicationListApi.as_view(),
        name="api-organizer-application-list",
    ),
    path(
        "organizer/applications/<int:pk>/",
        applications.OrganizerApplicationDetailApi.as_view(),
        name="api-organizer-application",
    ),
    path(
        "organizer/applications/<int:pk>/approve/",
        applications.OrganizerApplicationApproveApi.as_view(),
        name="api-organizer-application-approve",
    ),
    path(
        "organizer/applications/<int:pk>/decline/",
        applications.OrganizerApplicationDeclineApi.as_view(),
        name="api-organizer-application-decline",
    ),
    path("holds/", views.HoldCreateApi.as_view(), name="hold-create"),
    path("holds/<uuid:hold_id>/", views.HoldDetailApi.as_view(), name="hold-detail"),
    path("holds/<uuid:hold_id>/checkout/", views.HoldCheckoutApi.as_view(), name="hold-checkout"),
    path("holds/<uuid:hold_id>/promo-preview/", promo_codes.HoldPromoPreviewApi.as_view(), name="hold-promo-preview"),
    path(
        "organizer/events/<int:pk>/promo-codes/",
        promo_codes.OrganizerPromoCodeListApi.as_view(),
        name="organizer-promo-code-list",
    ),
    path(
        "organizer/events/<int:pk>/promo-codes/generate/",
        promo_codes.OrganizerPromoCodeGenerateApi.as_view(),
        name="organizer-promo-code-generate",
    ),
    path(
        "organizer/promo-codes/<int:pk>/",
        promo_codes.OrganizerPromoCodeDetailApi.as_view(),
        name="organizer-promo-code",
    ),
    path("orders/", views.OrderListApi.as_view(), name="order-list"),
    path("orders/<str:code>/", views.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<str:code>/cancel/", views.OrderCancelApi.as_view(), name="order-cancel"),
    path("orders/<str:code>/refund-quote/", cancellations.OrderRefundQuoteApi.as_view(), name="order-refund-quote"),
    path("tickets/", views.TicketListApi.as_view(), name="ticket-list"),
    path("tickets/<int:pk>/", views.TicketDetailApi.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/reissue/", transfers.TicketReissueApi.as_view(), name="ticket-reissue"),
    path("tickets/<int:pk>/transfer/", transfers.TicketTransferApi.as_view(), name="ticket-transfer"),
    path(
        "tickets/<int:pk>/transfer/cancel/", transfers.TicketTransferCancelApi.as_view(), name="ticket-transfer-cancel"
    ),
    path("tickets/transfers/accept/", transfers.TransferAcceptApi.as_view(), name="ticket-transfer-accept"),
    path("referrals/", referrals.ReferralMineApi.as_view(), name="referral-mine"),
    path("referrals/links/", referrals.ReferralLinkCreateApi.as_view(), name="referral-link-create"),
    path(
        "organizer/events/<int:pk>/referrals/",
        referrals.OrganizerReferralListApi.as_view(),
        name="organizer-referral-list",
    ),
]
