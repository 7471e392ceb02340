"""The gate scanner app, mounted at /scanner/ (namespace "scanner"). The service worker must live here, not
under /static/: a worker controls only the pages below its own path."""

from django.urls import path

from checkin import scanner

urlpatterns = [
    path("", scanner.ScannerAppView.as_view(), name="app"),
    path("manifest.webmanifest", scanner.scanner_manifest, name="manifest"),
    path("sw.js", scanner.scanner_service_worker, name="service_worker"),
]
