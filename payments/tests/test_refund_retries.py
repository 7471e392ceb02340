"""Refund jobs for cancellations: once at the provider however often they run, retried with backoff by the
sweep, failed after the last attempt with the error kept, and sent again by an admin."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from payments import locks, tasks
from payments.errors import ProviderUnavailable, RefundExceedsPayment, RefundNotRetryable
from payments.models import Refund
from payments.providers import get_provider
from payments.services.payments import payment_start, payment_sync
from payments.services.refunds import (
    MAX_ATTEMPTS,
    refund_create_locked,
    refund_execute,
    refund_list_due,
    refund_retry,
    refund_retry_delay,
)
from payments.tests.helpers import CARD_OK, customer_pays, refunds_at_provider
from tickets.models import Order
from tickets.services.cancellations import order_cancel_by_buyer
from tickets.tests.refund_helpers import paid_order, pending_order, ticket_type_for

pytestmark = pytest.mark.django_db

UNREACHABLE = "http://127.0.0.1:9"  # nothing listens there


def paid_stripe_order(stripe_api, quantity=2):
    order = pending_order(ticket_type=ticket_type_for(), quantity=quantity)
    payment = payment_start(order=order, now=timezone.now())
    customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    payment = payment_sync(payment=payment, now=timezone.now())
    order.refresh_from_db()
    return order, payment


def cancel_one_ticket(order) -> Refund:
    ticket = order.tickets.order_by("pk").first()
    [refund] = order_cancel_by_buyer(order=order, buyer=order.buyer, ticket_ids=[ticket.pk], now=timezone.now()).refunds
    return refund


# --- exactly once at the provider ------------------------------------------------------------------------


def test_the_cancellation_refund_job_run_twice_refunds_once_at_stripe(stripe_api):
    order, payment = paid_stripe_order(stripe_api)
    refund = cancel_one_ticket(order)

    first = tasks.execute_refund(refund.pk)
    second = tasks.execute_refund(refund.pk)

    refund.refresh_from_db()
    at_stripe = refunds_at_provider(stripe_api, payment.provider_payment_id)
    assert (first, second) == (True, False)
    assert [(item["id"], item["amount"]) for item in at_stripe] == [(refund.provider_refund_id, 2000)]
    assert (refund.status, refund.attempts) == (Refund.Status.SUCCEEDED, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_refund_jobs_refund_once_at_stripe(stripe_api, race, monkeypatch):
    order, payment = paid_stripe_order(stripe_api)
    monkeypatch.setattr(tasks.execute_refund, "delay_on_commit", lambda *args: None)  # the workers below run it
    refund = cancel_one_ticket(order)

    results = race(lambda _: refund_execute(refund_id=refund.pk, now=timezone.now()), n=8, workers=8)

    refund.refresh_from_db()
    assert results.count(True) == 1 and results.count(False) == 7
    assert [item["id"] for item in refunds_at_provider(stripe_api, payment.provider_payment_id)] == [
        refund.provider_refund_id
    ]
    assert refund.status == Refund.Status.SUCCEEDED


# --- retries with backoff ----------------------------------------------------------------------------------


def test_an_unreachable_provider_schedules_the_next_attempt_with_backoff(stripe_api, settings):
    order, _payment = paid_stripe_order(stripe_api)
    refund = cancel_one_ticket(order)
    settings.STRIPE_API_BASE = UNREACHABLE
    now = timezone.now()

    assert tasks.execute_refund(refund.pk) is False  # recorded, left to the sweep

    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.claimed_at) == (Refund.Status.PENDING, 1, None)
    assert refund.last_error and refund.next_attempt_at > now
    assert refund_list_due(now=refund.next_attempt_at - timedelta(seconds=1)) == []
    assert refund_list_due(now=refund.next_attempt_at) == [refund.pk]


def test_the_delay_doubles_up_to_an_hour():
    delays = [refund_retry_delay(attempts=attempts) for attempts in (1, 2, 3, 4, 8, 9, 20)]

    assert delays[:4] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert delays[4:] == [timedelta(hours=1)] * 3


def test_the_sweep_retries_a_refund_once_its_delay_is_over(stripe_api, settings):
    order, payment = paid_stripe_order(stripe_api)
    refund = cancel_one_ticket(order)
    api_base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = UNREACHABLE
    tasks.execute_refund(refund.pk)
    settings.STRIPE_API_BASE = api_base
    Refund.objects.filter(pk=refund.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    published = tasks.publish_due_refunds()

    refund.refresh_from_db()
    assert published == 1
    assert (refund.status, refund.attempts, refund.next_attempt_at, refund.last_error) == (
        Refund.Status.SUCCEEDED,
        2,
        None,
        "",
    )
    assert len(refunds_at_provider(stripe_api, payment.provider_payment_id)) == 1


def test_after_the_last_attempt_the_refund_fails_and_keeps_its_error(stripe_api, settings):
    order, _payment = paid_stripe_order(stripe_api)
    refund = cancel_one_ticket(order)
    Refund.objects.filter(pk=refund.pk).update(attempts=MAX_ATTEMPTS - 1)
    settings.STRIPE_API_BASE = UNREACHABLE

    assert refund_execute(refund_id=refund.pk, now=timezone.now())

    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED and refund.last_error and refund.next_attempt_at is None
    assert refund_list_due(now=timezone.now() + timedelta(days=1)) == []


def test_a_refund_left_claimed_by_a_dead_worker_is_due_again(settings):
    settings.PAYMENT_PROVIDER = "simulated"
    order = paid_order()
    refund = cancel_one_ticket(order)
    Refund.objects.filter(pk=refund.pk).update(claimed_at=timezone.now() - timedelta(minutes=6))

    assert refund_list_due(now=timezone.now()) == [refund.pk]


# --- admins send a failed refund again ---------------------------------------------------------------------


def failed_refund(settings) -> Refund:
    settings.PAYMENT_PROVIDER = "simulated"
    order = paid_order()
    refund = cancel_one_ticket(order)
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED, last_error="card_expired", attempts=3)
    return Refund.objects.get(pk=refund.pk)


def test_an_admin_sends_a_failed_refund_again_under_a_new_key(settings, django_capture_on_commit_callbacks):
    refund = failed_refund(settings)
    old_key = refund.idempotency_key
    admin = UserFactory(admin=True)

    with django_capture_on_commit_callbacks(execute=True):
        refund_retry(refund=refund, actor=admin, now=timezone.now())

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.idempotency_key != old_key
    assert refund.payment.status == "partially_refunded"
    entry = AuditLogEntry.objects.get(action="refund.retried")
    assert entry.actor == admin and entry.data["last_error"] == "card_expired"


def test_only_failed_refunds_can_be_sent_again(settings):
    refund = failed_refund(settings)
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.SUCCEEDED)

    with pytest.raises(RefundNotRetryable):
        refund_retry(refund=refund, actor=UserFactory(admin=True), now=timezone.now())


def test_a_failed_refund_whose_amount_was_refunded_otherwise_cannot_be_sent_again(settings):
    refund = failed_refund(settings)  # 20.00 of a 40.00 payment
    with transaction.atomic():
        locks.order_for_update(order_id=refund.payment.order_id)
        payment = locks.payment_for_update(payment_id=refund.payment_id)
        refund_create_locked(
            payment=payment, amount=Decimal("21.00"), kind=Refund.Kind.ADMIN_PARTIAL, now=timezone.now()
        )

    with pytest.raises(RefundExceedsPayment):
        refund_retry(refund=refund, actor=UserFactory(admin=True), now=timezone.now())

    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.FAILED


def test_a_retry_finds_a_refund_the_provider_made_before_and_sends_none(stripe_api):
    order, payment = paid_stripe_order(stripe_api)
    refund = cancel_one_ticket(order)
    get_provider("stripe").refund(
        payment=payment, amount=refund.amount, idempotency_key=refund.idempotency_key, refund_id=refund.pk
    )  # it went through, but the answer was lost and the refund gave up
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED, last_error="timeout", attempts=MAX_ATTEMPTS)
    refund_retry(refund=Refund.objects.get(pk=refund.pk), actor=UserFactory(admin=True), now=timezone.now())

    assert refund_execute(refund_id=refund.pk, now=timezone.now())

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert [item["id"] for item in refunds_at_provider(stripe_api, payment.provider_payment_id)] == [
        refund.provider_refund_id
    ]


def test_the_admin_action_sends_failed_refunds_again_and_reports_the_others(client, settings):
    refund = failed_refund(settings)
    done = cancel_one_ticket(paid_order())
    client.force_login(UserFactory(admin=True))

    response = client.post(
        reverse("admin:payments_refund_changelist"),
        {"action": "retry_failed", ACTION_CHECKBOX_NAME: [refund.pk, done.pk]},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert any("1 refund is being sent again" in message for message in messages)
    assert any(f"#{done.pk}" in message for message in messages)
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING


def test_the_refund_list_filters_by_status_and_shows_the_error(client, settings):
    refund = failed_refund(settings)
    client.force_login(UserFactory(admin=True))

    response = client.get(reverse("admin:payments_refund_changelist"), {"status__exact": "failed"})

    assert list(response.context["cl"].result_list) == [refund]
    assert "card_expired" in response.content.decode()


def test_the_unreachable_provider_error_is_not_raised_by_the_task(stripe_api, settings):
    order, _payment = paid_stripe_order(stripe_api)
    refund = cancel_one_ticket(order)
    settings.STRIPE_API_BASE = UNREACHABLE

    with pytest.raises(ProviderUnavailable):
        refund_execute(refund_id=refund.pk, now=timezone.now())
    Refund.objects.filter(pk=refund.pk).update(claimed_at=None)

    assert tasks.execute_refund(refund.pk) is False
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
