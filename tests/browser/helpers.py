"""Small steps shared by the browser journeys."""

from playwright.sync_api import Locator, Page, expect

from accounts.tests.factories import DEFAULT_PASSWORD


def sign_in(page: Page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url("/accounts/login/")


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def expect_image_loaded(image: Locator, timeout: float = 10_000) -> None:
    """Wait until ``image`` has loaded and decoded a picture (a visible <img> may still be loading)."""
    expect(image).to_be_visible()
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=timeout
    )
