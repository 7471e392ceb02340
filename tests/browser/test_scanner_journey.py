"""The gate scanner app end to end in Chromium with a fake camera that films a real ticket's QR code
(Chromium's --use-file-for-fake-video-capture plays a .y4m file as the webcam):

- staff signs in → picks the event and gate → the camera reads the ticket → Admit → Continue (redeemed)
  → the camera reads it again → "Already used" → a typed serial is admitted too;
- sessions: a wrong password is refused; an expired access token is refreshed (and the rotated refresh
  token kept); a dead session goes back to the sign-in screen.
- offline: the camera reads a ticket → verified in the browser with the offline bundle → Continue queues
  it (badge "1 queued") → the app even restarts offline from the service worker → back online, the queue
  uploads and the server has the check-in.
"""

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import DEFAULT_PASSWORD
from checkin.models import CheckIn, Scan
from checkin.tests.factories import event_soon, gate_staff, ticket_issued
from tests.browser.conftest import MOBILE_VIEWPORT
from tickets.models import Ticket
from tickets.qr import ticket_qr_png

pytestmark = pytest.mark.django_db(transaction=True)

FRAME_WIDTH, FRAME_HEIGHT = 640, 480
STORE_TOKENS = "(tokens) => localStorage.setItem('eh-scanner-tokens', JSON.stringify(tokens))"


def write_y4m(path: Path, image: Image.Image, *, frames: int = 2) -> Path:
    """A YUV4MPEG2 video (I420, full range) of ``image`` centred on a white frame: Chromium's fake webcam."""
    canvas = Image.new("L", (FRAME_WIDTH, FRAME_HEIGHT), 255)
    picture = image.convert("L")
    side = min(FRAME_HEIGHT - 40, picture.width)
    picture = picture.resize((side, side), Image.NEAREST)
    canvas.paste(picture, ((FRAME_WIDTH - side) // 2, (FRAME_HEIGHT - side) // 2))
    luma = canvas.tobytes()
    chroma = bytes([128]) * ((FRAME_WIDTH // 2) * (FRAME_HEIGHT // 2))
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{FRAME_WIDTH} H{FRAME_HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def qr_video(tmp_path: Path, ticket: Ticket) -> Path:
    image = Image.open(io.BytesIO(ticket_qr_png(ticket, scale=8)))
    return write_y4m(tmp_path / f"ticket-{ticket.pk}.y4m", image)


@pytest.fixture
def camera_context(playwright, browser_type_launch_args, live_server):
    """``camera_context(video)``: a mobile browser context whose webcam films ``video``, camera allowed."""
    opened: list[Browser] = []

    def open_context(video: Path) -> BrowserContext:
        args = [
            *browser_type_launch_args.get("args", []),
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        browser = playwright.chromium.launch(**{**browser_type_launch_args, "args": args})
        opened.append(browser)
        context = browser.new_context(
            base_url=live_server.url, viewport=MOBILE_VIEWPORT, is_mobile=True, has_touch=True
        )
        context.grant_permissions(["camera"], origin=live_server.url)
        return context

    yield open_context
    for browser in opened:
        browser.close()


def sign_in_to_scanner(page: Page, email: str, screenshot=None) -> None:
    page.goto("/scanner/")
    expect(page.get_by_role("heading", name="Gate staff sign-in")).to_be_visible()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    if screenshot:
        screenshot(page, "scanner-login")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Choose the event")).to_be_visible()


def pick_event(page: Page, title: str, gate: str, screenshot=None) -> None:
    page.get_by_label("Gate", exact=True).fill(gate)
    event_button = page.get_by_role("button", name=re.compile(re.escape(title)))
    expect(event_button).to_be_visible()
    if screenshot:
        screenshot(page, "scanner-events")
    event_button.click()
    expect(page.locator("#scan-event")).to_have_text(title)
    expect(page.locator("#bundle-status")).to_contain_text("Ticket data for offline use")


def result(page: Page):
    return page.locator("#screen-result")


def test_staff_scans_admits_sees_already_used_and_types_a_serial(camera_context, tmp_path, screenshot):
    event = event_soon(title="Neon Nights Festival")
    filmed = ticket_issued(event=event, name="Noah Nguyen")
    typed = ticket_issued(event=event, name="Bea Barros")
    staff = gate_staff(event, email="gina@example.com", name="Gina Gate")
    page = camera_context(qr_video(tmp_path, filmed)).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in_to_scanner(page, staff.email, screenshot)
    pick_event(page, event.title, "North", screenshot)
    expect(page.locator("#count-expected")).to_have_text("2")
    page.get_by_role("button", name="Start camera").click()

    expect(result(page)).to_be_visible(timeout=15000)
    expect(page.locator("#result-headline")).to_have_text("Admit")
    expect(page.locator("#result-holder")).to_have_text("Noah Nguyen")
    expect(page.locator("#result-rows")).to_contain_text(filmed.serial)
    screenshot(page, "scanner-admit")
    assert not CheckIn.objects.exists()  # verify changes nothing
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#scan-toast")).to_contain_text("Admitted: Noah Nguyen.")
    expect(page.locator("#count-admitted")).to_have_text("1")
    screenshot(page, "scanner-camera")
    checkin = CheckIn.objects.get(ticket=filmed)
    assert checkin.gate == "North"

    # The camera still films the same ticket: once the short repeat guard is over it is checked again.
    expect(page.locator("#result-headline")).to_contain_text("Already used at North", timeout=15000)
    expect(result(page)).to_have_class(re.compile("is-reject"))
    expect(page.locator("#result-holder")).to_have_text("Noah Nguyen")
    screenshot(page, "scanner-already-used")
    page.get_by_role("button", name="Scan next").click()
    page.get_by_role("button", name="Stop camera").click()
    expect(page.get_by_role("button", name="Start camera")).to_be_visible()

    page.get_by_label("Serial or code").fill(" " + typed.serial.lower().replace("-", "- ", 1))
    screenshot(page, "scanner-scan")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator("#result-headline")).to_have_text("Admit")
    expect(page.locator("#result-holder")).to_have_text("Bea Barros")
    page.keyboard.press("Enter")  # Continue has the focus
    expect(page.locator("#scan-toast")).to_contain_text("Admitted: Bea Barros.")
    expect(page.locator("#count-admitted")).to_have_text("2")
    assert CheckIn.objects.filter(ticket=typed).exists()
    assert CheckIn.objects.count() == 2
    # Every scan is logged: two admissions and the turn-away ("already used", reported after verify).
    assert sorted(Scan.objects.filter(offline=False).values_list("result", flat=True)) == ["already_used", "ok", "ok"]
    assert errors == []  # no CSP violation, no failed module import, no uncaught error


def test_offline_scan_is_verified_in_the_browser_queued_and_synced_when_back_online(
    camera_context, tmp_path, screenshot
):
    event = event_soon(title="Harbour Lights")
    filmed = ticket_issued(event=event, name="Omar Offline")
    staff = gate_staff(event, email="otto@example.com")
    context = camera_context(qr_video(tmp_path, filmed))
    page = context.new_page()
    sign_in_to_scanner(page, staff.email)
    pick_event(page, event.title, "Side door")
    expect(page.locator("#bundle-status")).to_contain_text("1 ticket,")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    context.set_offline(True)
    expect(page.locator("#sync-badge")).to_contain_text("Offline")
    page.get_by_role("button", name="Start camera").click()

    expect(page.locator("#result-headline")).to_have_text("Admit", timeout=15000)
    expect(page.locator("#result-holder")).to_have_text("Omar Offline")
    expect(page.locator("#result-offline")).to_be_visible()
    screenshot(page, "scanner-offline-admit")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Stop camera").click()
    expect(page.locator("#scan-toast")).to_contain_text("Admitted: Omar Offline. Saved offline")
    expect(page.locator("#sync-badge")).to_contain_text("1 queued")
    expect(page.locator("#count-admitted")).to_have_text("1")
    screenshot(page, "scanner-offline-queued")
    assert not Scan.objects.exists()

    page.reload()  # the shell comes from the service worker; the queue from IndexedDB
    expect(page.locator("#scan-event")).to_have_text(event.title)
    expect(page.locator("#sync-badge")).to_contain_text("1 queued")
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)")
    assert any(name.startswith("eh-scanner-") for name in page.evaluate("caches.keys()"))

    context.set_offline(False)
    expect(page.locator("#sync-badge")).to_contain_text("Synced", timeout=20000)
    expect(page.locator("#sync-badge")).not_to_contain_text("queued")
    expect(page.locator("#count-admitted")).to_have_text("1")
    screenshot(page, "scanner-synced")
    checkin = CheckIn.objects.get(ticket=filmed)
    assert checkin.source == CheckIn.Source.OFFLINE and checkin.gate == "Side door"
    scan = Scan.objects.get()
    assert scan.offline and not scan.conflict and scan.device_time is not None


def test_an_expired_access_token_is_refreshed_once_and_a_dead_session_returns_to_sign_in(page: Page, screenshot):
    event = event_soon(title="Token Tango")
    staff = gate_staff(event, email="tess@example.com")
    refresh = RefreshToken.for_user(staff)
    page.goto("/scanner/")
    page.get_by_label("E-mail address").fill(staff.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    screenshot(page, "scanner-login-error")

    page.evaluate(STORE_TOKENS, {"access": "expired.access.token", "refresh": str(refresh)})
    page.reload()

    expect(page.get_by_role("button", name=re.compile("Token Tango"))).to_be_visible()
    rotated = page.evaluate("JSON.parse(localStorage.getItem('eh-scanner-tokens'))")
    assert rotated["refresh"] != str(refresh)  # the rotated refresh token was stored
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()

    page.evaluate(STORE_TOKENS, {"access": "expired.access.token", "refresh": str(refresh)})  # blacklisted now
    page.reload()

    expect(page.get_by_role("heading", name="Gate staff sign-in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Your session ended")
    assert page.evaluate("localStorage.getItem('eh-scanner-tokens')") is None
