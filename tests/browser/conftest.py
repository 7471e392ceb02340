"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an asyncio loop in the test thread for the rest of the session, so Django
refuses ORM calls there unless DJANGO_ALLOW_ASYNC_UNSAFE is set; the root conftest.py sets it for the
whole test session (the deploy-check test removes it from the environment of its subprocess).

The live server runs in another thread of this process: tests that touch the database need
``@pytest.mark.django_db(transaction=True)``.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
HERE = Path(__file__).resolve().parent
REPO_ROOT = Path(__file__).resolve().parents[2]
DESKTOP_VIEWPORT = {"width": 1366, "height": 900}
MOBILE_VIEWPORT = {"width": 390, "height": 844}


def _chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def _in_this_folder(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder ``browser``; skip them all when Chromium is not installed."""
    skip = None if _chromium_available() else pytest.mark.skip(reason="Debian chromium not installed (CI installs it)")
    for item in items:
        if not _in_this_folder(item):
            continue
        item.add_marker(pytest.mark.browser)
        if skip is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP_VIEWPORT}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in ``page.goto("/accounts/login/")`` resolve against the live server."""
    return live_server.url


@pytest.fixture
def artifacts_dir() -> Path:
    path = REPO_ROOT / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def screenshot(artifacts_dir) -> Callable:
    """``screenshot(page, "signup")`` saves test-artifacts/screenshots/signup.png (full page).

    Transitions are fast-forwarded, so a toast is not caught half-way through its fade-in.
    """

    def take(page, name: str) -> Path:
        path = artifacts_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return take
