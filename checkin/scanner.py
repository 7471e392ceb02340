"""The gate scanner app (SPEC §7): an installable web app at /scanner/ that talks only to the check-in API.

Django serves three things and nothing else: the app shell (a static page with no per-user data, so the
service worker can cache it), the web app manifest, and the service worker itself. The worker is served
from /scanner/sw.js rather than /static/ because a service worker only controls pages under its own path.

The worker's cache name carries a fingerprint of every file it precaches, so a deploy that changes any of
them rolls out on the next visit: the new worker installs beside the old one, then drops the old cache.
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

THEME_COLOR = "#312e81"
BACKGROUND_COLOR = "#0f172a"

# Everything the shell needs to start without a network, in the order the page loads it.
SCANNER_ASSETS = (
    "npm/bootstrap/css/bootstrap.min.css",
    "npm/bootstrap-icons/bootstrap-icons.min.css",
    "npm/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "checkin/scanner/scanner.css",
    "checkin/scanner/app.js",
    "checkin/scanner/api.js",
    "checkin/scanner/camera.js",
    "checkin/scanner/decoder-worker.js",
    "checkin/scanner/messages.js",
    "checkin/scanner/store.js",
    "checkin/scanner/sync.js",
    "checkin/scanner/verify.js",
    "npm/jsqr/jsQR.js",
    "npm/noble-ed25519/index.js",
    "checkin/scanner/icon-192.png",
    "checkin/scanner/icon-512.png",
)

# Words the scripts show, translated on the server (the shell carries them as JSON, no inline script).
SCANNER_STRINGS = {
    "admit": _("Admit"),
    "reject": _("Do not admit"),
    "continue": _("Continue"),
    "scan_next": _("Scan next"),
    "admitted": _("Admitted."),
    "admitted_holder": _("Admitted: {holder}."),
    "saved_offline": _("Saved offline — uploads when back online."),
    "checked_offline": _("Checked offline"),
    "reason_ok": _("Valid ticket"),
    "reason_ok_unlisted": _("Valid signature — ticket not in the downloaded list yet"),
    "reason_invalid": _("Not a valid ticket"),
    "reason_wrong_event": _("Wrong event — this ticket is for another event"),
    "reason_revoked": _("Revoked — an older copy of a reissued ticket"),
    "reason_unpaid": _("Not paid"),
    "reason_cancelled": _("Cancelled"),
    "reason_refunded": _("Refunded"),
    "reason_not_yet_valid": _("Too early — check-in opens {time}"),
    "reason_already_used": _("Already used"),
    "reason_already_used_at": _("Already used at {gate}, {time}"),
    "reason_already_used_here": _("Already used, {time}"),
    "reason_no_bundle": _("Offline and no ticket data for this event yet — connect to download it"),
    "reason_serial_offline": _("Unknown serial — not in the downloaded ticket list"),
    "unknown_holder": _("Holder not in the downloaded list"),
    "seat": _("Seat"),
    "serial": _("Serial"),
    "ticket_type": _("Ticket type"),
    "online": _("Online"),
    "offline": _("Offline"),
    "syncing": _("Syncing…"),
    "queued": _("{count} queued"),
    "synced_at": _("Synced {time}"),
    "sync_failed": _("Upload failed — retrying"),
    "conflict": _("{holder}: admitted offline but the server says “{reason}”"),
    "conflicts_title": _("Offline conflicts"),
    "login_failed": _("Those credentials did not work."),
    "network_error": _("No connection. Check the network and try again."),
    "session_expired": _("Your session ended. Please sign in again."),
    "not_staff": _("You are not gate staff at this event any more."),
    "no_events": _("You are not gate staff at any event."),
    "events_offline": _("Offline — showing the events from the last visit."),
    "gate_required": _("Name the gate or door you are standing at."),
    "bundle_loading": _("Downloading ticket data…"),
    "bundle_ready_one": ngettext_lazy(
        "Ticket data for offline use: {count} ticket, {time}", "Ticket data for offline use: {count} tickets, {time}", 1
    ),
    "bundle_ready_other": ngettext_lazy(
        "Ticket data for offline use: {count} ticket, {time}", "Ticket data for offline use: {count} tickets, {time}", 2
    ),
    "bundle_missing": _("No ticket data for offline use yet."),
    "camera_unavailable": _("The camera is not available. Type the serial below."),
    "camera_denied": _("Camera access was refused. Allow it in the browser settings, or type the serial below."),
    "camera_start": _("Start camera"),
    "camera_stop": _("Stop camera"),
    "enter_code": _("Type a serial or code."),
    "checking": _("Checking…"),
    "expected_of": _("{admitted} / {expected} admitted"),
    "signout_queued": _(
        "{count} scans are not uploaded yet; they upload after the next sign-in here. Sign out anyway?"
    ),
    "update_ready": _("A new version of the scanner is ready."),
    "starts": _("Starts {time}"),
    "busy": _("The server is busy. Try again."),
    "error": _("Something went wrong. Try again."),
}


def _asset_urls(path: str) -> list[str]:
    """The URL the page uses for ``path`` and, when static files are hashed, the plain one as well: module
    scripts import each other by relative (unhashed) paths."""
    urls = [static(path)]
    plain = settings.STATIC_URL.rstrip("/") + "/" + path
    if not plain.startswith("/"):
        plain = "/" + plain
    if plain not in urls:
        urls.append(plain)
    return urls


def _fingerprint(paths: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.encode())
        found = finders.find(path)
        if found:
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:16]


_cached_fingerprint = lru_cache(maxsize=1)(_fingerprint)


def scanner_version() -> str:
    """A fingerprint of the precached files: the service worker's cache name, so updates roll out.

    Computed once per process in production; on every request while DEBUG (files change under you)."""
    fingerprint = _fingerprint if settings.DEBUG else _cached_fingerprint
    return fingerprint(SCANNER_ASSETS)


def scanner_precache_urls() -> list[str]:
    urls = [reverse("scanner:app")]
    for path in SCANNER_ASSETS:
        urls.extend(_asset_urls(path))
    return urls


class ScannerAppView(TemplateView):
    """The app shell. Identical for everyone (no user data, no CSRF token): the app signs in with JWT."""

    template_name = "checkin/scanner/app.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["strings"] = {key: str(value) for key, value in SCANNER_STRINGS.items()}
        context["config"] = {
            "api": "/api/v1/",
            "serviceWorker": reverse("scanner:service_worker"),
            "scope": reverse("scanner:app"),
            "decoderWorker": static("checkin/scanner/decoder-worker.js"),
            "jsqr": static("npm/jsqr/jsQR.js"),
            "version": scanner_version(),
        }
        context["theme_color"] = THEME_COLOR
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Cache-Control"] = "no-cache"  # the service worker asks first and falls back to its copy
        return response


@require_safe
def scanner_manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: what "Add to home screen" installs."""
    app = reverse("scanner:app")
    manifest = {
        "id": app,
        "name": str(_("EventHorizon Scanner")),
        "short_name": str(_("Scanner")),
        "description": str(_("Check tickets at the gate, online or offline.")),
        "start_url": app,
        "scope": app,
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {
                "src": static(f"checkin/scanner/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def scanner_service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script. ``no-cache`` so browsers check for a new version on every visit."""
    body = render_to_string(
        "checkin/scanner/sw.js",
        {
            "version": json.dumps(scanner_version()),
            "precache": json.dumps(scanner_precache_urls()),
            "shell": json.dumps(reverse("scanner:app")),
            "static_prefix": json.dumps(static("")),
            "api_prefix": json.dumps("/api/"),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
