from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Swagger UI's page carries a small inline stylesheet; allow it there and nowhere else.
docs_view = csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("events.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("payments.api.urls")),
    path("checkin/", include("checkin.api.urls")),
]

urlpatterns = [
    path("", include("core.urls")),
    path("", include(("tickets.urls_applications", "applications"), namespace="applications")),
    path("accounts/", include("accounts.urls")),
    path("tickets/", include("tickets.urls")),
    path("payments/", include("payments.urls")),
    path("events/", include(("events.urls.public", "events"), namespace="events")),
    path("dashboard/events/", include(("events.urls.organizer", "organizer"), namespace="organizer")),
    path("dashboard/events/", include(("events.urls.seat_maps", "seat_maps"), namespace="seat_maps")),
    path("dashboard/events/", include(("tickets.urls_organizer", "bookings"), namespace="bookings")),
    path("dashboard/events/", include(("tickets.urls_promo", "promo_codes"), namespace="promo_codes")),
    path("dashboard/", include(("checkin.urls", "checkin"), namespace="checkin")),
    path("r/", include(("tickets.urls_referrals", "referrals"), namespace="referrals")),
    path("scanner/", include(("checkin.urls_scanner", "scanner"), namespace="scanner")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", docs_view, name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

admin.site.site_header = "EventHorizon moderation"
admin.site.site_title = "EventHorizon admin"
admin.site.index_title = "Moderation"
