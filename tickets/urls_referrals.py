"""Referral links, mounted at /r/ (namespace ``referrals``): short enough to share anywhere."""

from django.urls import path

from tickets.views.referrals import ReferralVisitView

urlpatterns = [
    path("<str:code>/", ReferralVisitView.as_view(), name="visit"),
]
