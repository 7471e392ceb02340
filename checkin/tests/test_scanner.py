"""The scanner app's Django side: the shell page, the manifest and the service worker (checkin/scanner.py),
and the server's verdict on the signature cases the browser verifier is tested with
(tests/browser/test_scanner_verifier.py uses the same cases)."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from checkin.scanner import SCANNER_ASSETS, scanner_version
from checkin.tests.signature_cases import SIGNATURE_CASES, signature_case

pytestmark = pytest.mark.django_db

APP = "/scanner/"
MANIFEST = "/scanner/manifest.webmanifest"
SERVICE_WORKER = "/scanner/sw.js"


def test_the_urls_are_under_scanner():
    assert (reverse("scanner:app"), reverse("scanner:manifest"), reverse("scanner:service_worker")) == (
        APP,
        MANIFEST,
        SERVICE_WORKER,
    )


# --- Shell -------------------------------------------------------------------------------------------


def test_the_shell_is_public_and_carries_no_user_data(client, django_user_model):
    user = django_user_model.objects.create_user(email="gate@example.com", password="x" * 12, name="Gina Gate")
    client.force_login(user)

    response = client.get(APP)

    assert response.status_code == 200
    html = response.content.decode()
    assert "gate@example.com" not in html and "Gina Gate" not in html
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert response["Cache-Control"] == "no-cache"


def test_the_shell_links_manifest_and_module_script_and_passes_settings_as_json(client):
    html = client.get(APP).content.decode()

    assert f'<link rel="manifest" href="{MANIFEST}">' in html
    assert re.search(r'<script type="module" src="/static/checkin/scanner/app\.js">', html)
    config = json.loads(re.search(r'<script id="scanner-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["serviceWorker"] == SERVICE_WORKER and config["scope"] == APP and config["api"] == "/api/v1/"
    strings = json.loads(
        re.search(r'<script id="scanner-strings" type="application/json">(.*?)</script>', html).group(1)
    )
    assert strings["reason_revoked"].startswith("Revoked")


def test_the_shell_has_no_inline_script_or_style_under_the_strict_csp(client):
    response = client.get(APP)

    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert "style=" not in html and "<style" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "worker-src 'self'" in csp and "manifest-src 'self'" in csp
    assert "unsafe-inline" not in csp


# --- Manifest ----------------------------------------------------------------------------------------


def test_the_manifest_makes_an_installable_standalone_app(client):
    response = client.get(MANIFEST)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == APP and manifest["scope"] == APP
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"].startswith("#")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_manifest_icons_exist_and_have_their_size(client):
    from PIL import Image

    for icon in client.get(MANIFEST).json()["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


# --- Service worker ----------------------------------------------------------------------------------


def test_the_service_worker_is_javascript_served_from_the_scanner_path(client):
    response = client.get(SERVICE_WORKER)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response  # its own path gives it the /scanner/ scope


def test_the_service_worker_precaches_the_shell_and_every_asset_and_skips_the_api(client):
    body = client.get(SERVICE_WORKER).content.decode()

    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    assert APP in precache
    for path in SCANNER_ASSETS:
        assert f"/static/{path}" in precache
        assert finders.find(path), f"{path} is precached but does not exist"
    assert 'const API_PREFIX = "/api/";' in body
    assert f'const VERSION = "{scanner_version()}";' in body


def test_every_module_the_app_imports_is_precached():
    sources = [
        finders.find(path) for path in SCANNER_ASSETS if path.startswith("checkin/scanner/") and path.endswith(".js")
    ]
    imported = set()
    for source in sources:
        text = Path(source).read_text(encoding="utf-8")
        imported.update(re.findall(r'from "(\.[^"]+)"', text))
        imported.update(re.findall(r'importScripts\("(\.[^"]+)"\)', text))

    resolved = {re.sub(r"^(\./)", "checkin/scanner/", path).replace("../../", "") for path in imported}
    assert resolved <= set(SCANNER_ASSETS), resolved - set(SCANNER_ASSETS)


def test_the_cache_version_changes_when_an_asset_changes(tmp_path, settings):
    settings.DEBUG = True  # recomputed per request in development; once per process (per deploy) otherwise
    asset = tmp_path / "checkin" / "scanner" / "app.js"
    asset.parent.mkdir(parents=True)
    asset.write_text("one")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    finders.get_finder.cache_clear()
    try:
        before = scanner_version()
        asset.write_text("two")
        after = scanner_version()
    finally:
        finders.get_finder.cache_clear()

    assert before != after


def test_the_scanner_urls_only_answer_reads(client):
    assert client.post(MANIFEST).status_code == 405
    assert client.post(SERVICE_WORKER).status_code == 405


# --- The server's verdict on the signature cases ------------------------------------------------------


@pytest.mark.parametrize("name", SIGNATURE_CASES)
def test_the_server_verifies_the_signature_cases(name, scanner_for):
    case = signature_case(name)

    response = scanner_for(case.staff).post(
        reverse("checkin-verify"), {"event": case.event.pk, "code": case.code}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["reason"] == case.server_reason
