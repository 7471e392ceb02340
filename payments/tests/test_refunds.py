"""Refunds: admin full refunds, automatic refunds, and the job that refunds exactly once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import TicketType
from payments import locks
from payments.errors import NothingToRefund, ProviderUnavailable, RefundExceedsPayment
from payments.models import Payment, Refund
from payments.providers import ProviderPayment, get_provider
from payments.services.payments import payment_pay_simulated, payment_record_state, payment_start, payment_sync
from payments.services.refunds import (
    MAX_ATTEMPTS,
    payment_refund_full,
    refund_create_locked,
    refund_execute,
    refund_list_due,
)
from payments.tests.helpers import CARD_OK, LOCALSTRIPE_URL, customer_pays, pending_order, refunds_at_provider
from tickets.models import Order, Ticket

pytestmark = pytest.mark.django_db


def paid_simulated_order(**kwargs):
    order = pending_order(**kwargs)
    payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())
    order.refresh_from_db()
    return order


def paid_stripe_order(stripe_api, **kwargs):
    order = pending_order(**kwargs)
    payment = payment_start(order=order, now=timezone.now())
    customer_pays(stripe_api, payment.provider_payment_id, CARD_OK)
    payment = payment_sync(payment=payment, now=timezone.now())
    order.refresh_from_db()
    return order, payment


# --- admin full refunds ---------------------------------------------------------------------------


@pytest.mark.usefixtures("simulated")
def test_a_full_refund_cancels_the_tickets_returns_capacity_and_refunds(django_capture_on_commit_callbacks):
    order = paid_simulated_order(quantity=2)
    admin = UserFactory(admin=True)

    with django_capture_on_commit_callbacks(execute=True):
        [refund] = payment_refund_full(order=order, actor=admin, reason="Event moved", now=timezone.now())

    order.refresh_from_db()
    refund.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.REFUNDED}
    assert TicketType.objects.get(pk=order.lines.get().ticket_type_id).sold == 0
    assert (refund.status, refund.kind, refund.amount, refund.requested_by) == (
        Refund.Status.SUCCEEDED,
        Refund.Kind.ADMIN,
        order.total,
        admin,
    )
    assert order.payments.get().status == Payment.Status.REFUNDED
    assert mail.outbox[-1].subject == f"Refund of {order.total} {order.currency} for order {order.code}"


@pytest.mark.usefixtures("simulated")
def test_a_full_refund_is_audited():
    order = paid_simulated_order()
    admin = UserFactory(admin=True)

    payment_refund_full(order=order, actor=admin, reason="Duplicate booking", now=timezone.now(), ip_address="10.0.0.1")

    entry = AuditLogEntry.objects.get(action="order.refunded_in_full")
    assert (entry.actor, entry.target_id, entry.ip_address) == (admin, str(order.pk), "10.0.0.1")
    assert entry.data["reason"] == "Duplicate booking" and entry.data["amount"] == str(order.total)


@pytest.mark.usefixtures("simulated")
def test_refunding_in_full_twice_refunds_once():
    order = paid_simulated_order()
    admin = UserFactory(admin=True)
    payment_refund_full(order=order, actor=admin, reason="x", now=timezone.now())

    with pytest.raises(NothingToRefund):
        payment_refund_full(order=order, actor=admin, reason="x", now=timezone.now())

    assert Refund.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="order.refunded_in_full").count() == 1


@pytest.mark.usefixtures("simulated")
def test_an_unpaid_order_has_nothing_to_refund():
    order = pending_order()

    with pytest.raises(NothingToRefund):
        payment_refund_full(order=order, actor=UserFactory(admin=True), reason="x", now=timezone.now())

    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


@pytest.mark.usefixtures("simulated")
def test_refunds_can_never_exceed_the_payment():
    order = paid_simulated_order()
    payment = order.payments.get()

    with pytest.raises(RefundExceedsPayment), transaction.atomic():
        locks.order_for_update(order_id=order.pk)
        payment = locks.payment_for_update(payment_id=payment.pk)
        refund_create_locked(payment=payment, amount=Decimal("30.00"), kind=Refund.Kind.ADMIN, now=timezone.now())
        refund_create_locked(payment=payment, amount=Decimal("10.01"), kind=Refund.Kind.ADMIN, now=timezone.now())

    assert not Refund.objects.exists()


@pytest.mark.usefixtures("simulated")
def test_a_second_payment_for_a_paid_order_is_refunded_as_a_duplicate(django_capture_on_commit_callbacks):
    order = paid_simulated_order()
    second = Payment.objects.create(order=order, provider="simulated", amount=order.total, currency=order.currency)
    state = ProviderPayment(
        provider_payment_id="simpi_second", status="succeeded", amount=order.total, currency=order.currency
    )

    with django_capture_on_commit_callbacks(execute=True):
        payment_record_state(payment=second, state=state, now=timezone.now())

    order.refresh_from_db()
    second.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert second.status == Payment.Status.REFUNDED
    assert second.refunds.get().kind == Refund.Kind.DUPLICATE
    assert order.payments.exclude(pk=second.pk).get().status == Payment.Status.SUCCEEDED


# --- the refund job -------------------------------------------------------------------------------


def test_the_refund_job_run_twice_refunds_once_at_stripe(stripe_api):
    order, payment = paid_stripe_order(stripe_api)
    [refund] = payment_refund_full(order=order, actor=UserFactory(admin=True), reason="x", now=timezone.now())

    first = refund_execute(refund_id=refund.pk, now=timezone.now())
    second = refund_execute(refund_id=refund.pk, now=timezone.now())

    refund.refresh_from_db()
    at_stripe = refunds_at_provider(stripe_api, payment.provider_payment_id)
    assert (first, second) == (True, False)
    assert [item["id"] for item in at_stripe] == [refund.provider_refund_id]
    assert at_stripe[0]["amount"] == 4000
    assert (refund.status, refund.attempts) == (Refund.Status.SUCCEEDED, 1)


@pytest.mark.skipif(bool(LOCALSTRIPE_URL), reason="localstripe does not replay Idempotency-Key answers")
def test_a_refund_retried_after_a_crash_is_not_sent_twice(stripe_api):
    order, payment = paid_stripe_order(stripe_api)
    [refund] = payment_refund_full(order=order, actor=UserFactory(admin=True), reason="x", now=timezone.now())
    get_provider("stripe").refund(
        payment=payment, amount=refund.amount, idempotency_key=refund.idempotency_key, refund_id=refund.pk
    )  # a worker sent it, then died before recording the answer; its claim goes stale
    Refund.objects.filter(pk=refund.pk).update(claimed_at=timezone.now() - timedelta(minutes=10), attempts=1)

    assert refund_execute(refund_id=refund.pk, now=timezone.now())

    refund.refresh_from_db()
    assert [item["id"] for item in refunds_at_provider(stripe_api, payment.provider_payment_id)] == [
        refund.provider_refund_id
    ]
    assert refund.status == Refund.Status.SUCCEEDED


def test_a_refund_the_provider_refuses_is_failed_and_frees_the_amount(stripe_api):
    order, payment = paid_stripe_order(stripe_api)
    [refund] = payment_refund_full(order=order, actor=UserFactory(admin=True), reason="x", now=timezone.now())
    Payment.objects.filter(pk=payment.pk).update(provider_payment_id="pi_gone")

    refund_execute(refund_id=refund.pk, now=timezone.now())

    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == Refund.Status.FAILED and refund.last_error
    assert payment.status == Payment.Status.SUCCEEDED


def test_a_refund_waits_while_the_provider_is_unreachable(stripe_api, settings):
    order, _payment = paid_stripe_order(stripe_api)
    [refund] = payment_refund_full(order=order, actor=UserFactory(admin=True), reason="x", now=timezone.now())
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    with pytest.raises(ProviderUnavailable):
        refund_execute(refund_id=refund.pk, now=timezone.now())

    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.claimed_at) == (Refund.Status.PENDING, 1, None)
    assert refund.last_error


def test_a_refund_gives_up_after_its_last_attempt(stripe_api, settings):
    order, _payment = paid_stripe_order(stripe_api)
    [refund] = payment_refund_full(order=order, actor=UserFactory(admin=True), reason="x", now=timezone.now())
    Refund.objects.filter(pk=refund.pk).update(attempts=MAX_ATTEMPTS - 1)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    assert refund_execute(refund_id=refund.pk, now=timezone.now())

    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED


@pytest.mark.usefixtures("simulated")
def test_pending_refunds_whose_job_was_lost_are_due_for_the_sweep():
    order = paid_simulated_order()
    [refund] = payment_refund_full(order=order, actor=UserFactory(admin=True), reason="x", now=timezone.now())

    assert refund_list_due(now=timezone.now()) == []
    assert refund_list_due(now=timezone.now() + timedelta(minutes=2)) == [refund.pk]
