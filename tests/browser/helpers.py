"""Small steps shared by the browser journeys."""

from playwright.sync_api import Page, expect

from accounts.tests.factories import DEFAULT_PASSWORD


def sign_in(page: Page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url("/accounts/login/")


def sign_out(page: Page) -> None:
    page.context.clear_cookies()
