"""An account's whole life in a real browser: sign up, verify by e-mailed code, sign in, edit the profile."""

import contextlib
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_NAME = "Amara"
FULL_NAME = "Amara Okafor"
EMAIL = "amara.okafor@example.com"
PASSWORD = "Quiet-lantern-harbour-73"
CITY = "Lisbon"
PHONE = "+351 21 123 4567"
CODE = re.compile(r"\b(\d{6})\b")
MOBILE = {"width": 390, "height": 844}


def last_code() -> str:
    match = CODE.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def toast(page: Page, text: str):
    return page.locator("#toasts").get_by_role("status").filter(has_text=text)


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def dismiss_toasts(page: Page) -> None:
    """Close the toasts like a user would: at desktop width they sit on top of the navbar's user menu
    until they hide themselves (6 s). One that hides on its own meanwhile is fine too."""
    for close in page.locator("#toasts").get_by_role("button", name="Close").all():
        with contextlib.suppress(PlaywrightTimeoutError):
            close.click(timeout=2_000)


def sign_out(page: Page) -> None:
    page.wait_for_load_state("load")  # Bootstrap's dropdown and toast scripts are deferred
    dismiss_toasts(page)
    main_nav(page).get_by_role("button", name=FIRST_NAME, exact=True).click()
    sign_out_button = main_nav(page).get_by_role("button", name="Sign out", exact=True)
    expect(sign_out_button).to_be_visible()
    sign_out_button.click()
    expect(toast(page, "You are signed out.")).to_be_visible()


def test_signup_verify_login_profile_logout_journey(page: Page, browser, live_server, screenshot):
    # A phone-sized look at the sign-up page, in its own context.
    mobile = browser.new_context(viewport=MOBILE, is_mobile=True, has_touch=True, base_url=live_server.url)
    try:
        mobile_page = mobile.new_page()
        mobile_page.goto("/accounts/signup/")
        expect(mobile_page.get_by_role("heading", name="Create your account")).to_be_visible()
        screenshot(mobile_page, "signup-mobile")
    finally:
        mobile.close()

    # Sign up as an organizer.
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    organise = page.get_by_role("radio", name="Organise events", exact=True)
    page.locator("label.choice-card").filter(has=organise).click()  # the whole card is the target
    expect(organise).to_be_checked()
    page.get_by_label("Full name", exact=True).fill(FULL_NAME)
    page.get_by_label("E-mail address", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    screenshot(page, "signup")
    page.get_by_role("button", name="Create account", exact=True).click()

    # Verify the address with the e-mailed code.
    expect(page).to_have_url(re.compile(r"/accounts/verify/$"))
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(toast(page, f"We sent a 6-digit code to {EMAIL}")).to_be_visible()
    expect(page.get_by_label("E-mail address", exact=True)).to_have_value(EMAIL)
    assert mail.outbox and mail.outbox[-1].to == [EMAIL]
    page.get_by_label("6-digit code", exact=True).fill(last_code())
    screenshot(page, "verify")
    page.get_by_role("button", name="Verify", exact=True).click()

    # Home, signed in and verified.
    expect(page).to_have_url(live_server.url + "/")
    expect(toast(page, "Your e-mail address is verified. You're all set!")).to_be_visible()
    expect(main_nav(page).get_by_role("button", name=FIRST_NAME, exact=True)).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Dashboard", exact=True)).to_be_visible()  # organizer role
    expect(page.get_by_text("Verify your e-mail address to book tickets.")).to_have_count(0)
    screenshot(page, "home-after-verify")
    user = User.objects.get(email=EMAIL)
    assert (user.name, user.role, user.is_verified) == (FULL_NAME, User.Role.ORGANIZER, True)

    sign_out(page)
    expect(main_nav(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()

    # Sign in with e-mail and password.
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    page.get_by_label("E-mail address", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    screenshot(page, "login")
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(live_server.url + "/")
    expect(toast(page, f"Welcome back, {FIRST_NAME}!")).to_be_visible()
    expect(main_nav(page).get_by_role("button", name=FIRST_NAME, exact=True)).to_be_visible()

    # Edit the profile.
    page.goto("/accounts/profile/")
    expect(page.get_by_role("heading", name=FULL_NAME, exact=True)).to_be_visible()
    city, phone = page.get_by_role("textbox", name="City"), page.get_by_role("textbox", name="Phone")
    expect(city).to_have_value("")
    city.fill(CITY)
    phone.fill(PHONE)
    screenshot(page, "profile")
    page.get_by_role("button", name="Save profile", exact=True).click()
    expect(toast(page, "Your profile is saved.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    screenshot(page, "profile-saved")

    page.reload()
    expect(page.get_by_role("textbox", name="City")).to_have_value(CITY)
    expect(page.get_by_role("textbox", name="Phone")).to_have_value(PHONE)
    user.refresh_from_db()
    assert (user.city, user.phone) == (CITY, PHONE)

    sign_out(page)
    expect(main_nav(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    expect(main_nav(page).get_by_role("button", name=FIRST_NAME, exact=True)).to_have_count(0)


def test_wrong_verification_code_shows_inline_error(page: Page, live_server):
    from accounts.services.registration import user_register

    user_register(email=EMAIL, password=PASSWORD, name=FULL_NAME, role=User.Role.ATTENDEE, now=timezone.now())
    right = last_code()
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    page.goto("/accounts/verify/")
    page.get_by_label("E-mail address", exact=True).fill(EMAIL)
    page.get_by_label("6-digit code", exact=True).fill(wrong)
    page.get_by_role("button", name="Verify", exact=True).click()

    form = page.get_by_role("main").locator("form").filter(has=page.get_by_role("button", name="Verify", exact=True))
    expect(form.get_by_role("alert")).to_contain_text("This code is not correct")
    expect(page).to_have_url(re.compile(r"/accounts/verify/$"))
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(page.get_by_label("E-mail address", exact=True)).to_have_value(EMAIL)
    assert not User.objects.get(email=EMAIL).is_verified
