from django.urls import path

from checkin.api import views

urlpatterns = [
    path("events/", views.CheckinEventListApi.as_view(), name="checkin-event-list"),
    path("events/<int:pk>/offline-bundle/", views.CheckinOfflineBundleApi.as_view(), name="checkin-offline-bundle"),
    path("events/<int:pk>/stats/", views.CheckinStatsApi.as_view(), name="checkin-stats"),
    path("verify/", views.CheckinVerifyApi.as_view(), name="checkin-verify"),
    path("redeem/", views.CheckinRedeemApi.as_view(), name="checkin-redeem"),
    path("reject/", views.CheckinRejectApi.as_view(), name="checkin-reject"),
    path("sync/", views.CheckinSyncApi.as_view(), name="checkin-sync"),
]
