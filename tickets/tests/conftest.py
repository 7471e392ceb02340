import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from tickets.services import cancellations


@pytest.fixture
def race():
    """Run ``fn(i)`` for i in range(n) on ``workers`` threads released together by a barrier.

    Each thread has its own database connection (closed at the end). Returns the results, with
    exceptions returned as values so the test can count them.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so races cannot happen there")

    def run(fn: Callable[[int], object], n: int, workers: int = 40) -> list:
        barrier = threading.Barrier(min(n, workers))

        def task(i: int):
            try:
                if i < workers:
                    barrier.wait(timeout=30)
                return fn(i)
            except Exception as exc:  # counted by the test
                return exc
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(task, range(n)))

    return run


@pytest.fixture
def hook_calls(monkeypatch):
    """Orders passed to the ``order_after_refunded`` hook (the contract: once per fully refunded order)."""
    calls = []
    original = cancellations.order_after_refunded

    def spy(*, order, now):
        calls.append(order.pk)
        original(order=order, now=now)

    monkeypatch.setattr(cancellations, "order_after_refunded", spy)
    return calls
