"""Project-wide test fixtures. Each test builds its own world through factories (no shared seed)."""

import os

import pytest
from django.core.cache import cache

# Playwright's sync API (browser tests) leaves an asyncio loop running in the main thread for the rest
# of the session; Django would then refuse every ORM call made from that thread. Test-only switch.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached pages live in the cache: every test starts with it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
