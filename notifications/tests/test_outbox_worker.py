"""The outbox with a real Celery worker consuming from Redis (skipped without REDIS_URL)."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from config.celery import app as celery_app
from notifications.models import OutboundEmail
from notifications.services import email_queue

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL); CI provides it"),
]


@pytest.fixture
def redis_worker(settings):
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = os.environ["REDIS_URL"]
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous


def wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_queued_email_is_delivered_by_a_worker_through_redis(redis_worker):
    from django.db import transaction

    with transaction.atomic():
        email = email_queue(to="ann@example.com", template="password_changed", context={"name": "Ann"})

    delivered = wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT)

    assert delivered
    assert [message.to for message in mail.outbox] == [["ann@example.com"]]
