"""An organizer cancels an event: every paid order is refunded in full once, unpaid orders and holds are
released, and every ticket holder is told — by a job that can run again safely."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.errors import Busy
from core.models import AuditLogEntry
from events.models import Event, TicketType
from events.services.events import event_cancel
from payments.errors import OrderNotPayable
from payments.models import Payment, Refund
from payments.providers import ProviderPayment
from payments.services.payments import payment_pay_simulated, payment_record_state
from tickets import tasks
from tickets.errors import CancellationNotAllowed
from tickets.models import Hold, Order, Ticket
from tickets.services import cancellations
from tickets.services.cancellations import event_cancellation_process, order_cancel_by_buyer
from tickets.services.holds import LineRequest, hold_create
from tickets.tests.refund_helpers import CARD_OK, paid_order, pending_order, refundable_event, ticket_type_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def simulated(settings):
    settings.PAYMENT_PROVIDER = "simulated"


def cancel_event(event, *, reason="The venue flooded.", capture=None):
    """Cancel through the service; with ``capture`` the after-commit job runs (Celery is eager in tests)."""
    if capture is None:
        return event_cancel(event=event, actor=event.organizer, reason=reason, now=timezone.now())
    with capture(execute=True):
        return event_cancel(event=event, actor=event.organizer, reason=reason, now=timezone.now())


def refunds_per_order(event):
    rows = Refund.objects.filter(payment__order__event=event, kind=Refund.Kind.EVENT_CANCELLED)
    counts = {}
    for order_id in rows.values_list("payment__order_id", flat=True):
        counts[order_id] = counts.get(order_id, 0) + 1
    return counts


def test_cancelling_an_event_refunds_every_paid_order_in_full_once(django_capture_on_commit_callbacks):
    event = refundable_event(fee="2.00", starts_in=timedelta(days=1))  # past every tier: buyers could not cancel
    ticket_type = ticket_type_for(event)
    orders = [paid_order(ticket_type=ticket_type, quantity=quantity) for quantity in (1, 2, 3)]

    cancel_event(event, capture=django_capture_on_commit_callbacks)

    assert refunds_per_order(event) == {order.pk: 1 for order in orders}
    for order in orders:
        order.refresh_from_db()
        payment = order.payments.get()
        assert order.status == Order.Status.REFUNDED
        assert payment.status == Payment.Status.REFUNDED  # 100 %, no fee
        assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.REFUNDED}
    assert TicketType.objects.get(pk=ticket_type.pk).sold == 0


def test_running_the_job_twice_refunds_every_order_once(django_capture_on_commit_callbacks):
    event = refundable_event()
    ticket_type = ticket_type_for(event)
    orders = [paid_order(ticket_type=ticket_type) for _ in range(3)]
    cancel_event(event)

    with django_capture_on_commit_callbacks(execute=True):
        first = event_cancellation_process(event_id=event.pk, now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        second = event_cancellation_process(event_id=event.pk, now=timezone.now())

    assert first["refunded"] == 3 and second == {"holds": 0, "cancelled": 0, "refunded": 0, "applications": 0}
    assert refunds_per_order(event) == {order.pk: 1 for order in orders}
    assert Refund.objects.filter(status=Refund.Status.SUCCEEDED).count() == 3
    assert AuditLogEntry.objects.filter(action="order.refunded_event_cancelled").count() == 3


def test_a_partly_cancelled_order_gets_everything_it_still_paid_back():
    event = refundable_event(fee="2.00")
    order = paid_order(ticket_type=ticket_type_for(event), quantity=2)
    order_cancel_by_buyer(order=order, buyer=order.buyer, ticket_ids=[order.tickets.first().pk], now=timezone.now())
    cancel_event(event)

    event_cancellation_process(event_id=event.pk, now=timezone.now())

    order.refresh_from_db()
    payment = order.payments.get()
    assert order.status == Order.Status.REFUNDED
    assert sum(payment.refunds.values_list("amount", flat=True)) == payment.amount  # the kept fee too
    assert payment.refunds.get(kind=Refund.Kind.EVENT_CANCELLED).amount == Decimal("22.00")


def test_unpaid_orders_are_cancelled_and_live_holds_released():
    event = refundable_event()
    ticket_type = ticket_type_for(event)
    unpaid = pending_order(ticket_type=ticket_type, quantity=2)
    hold = hold_create(buyer=UserFactory(), event=event, lines=[LineRequest(ticket_type.pk, 3)], now=timezone.now())
    cancel_event(event)

    counts = event_cancellation_process(event_id=event.pk, now=timezone.now())

    unpaid.refresh_from_db()
    hold.refresh_from_db()
    assert counts == {"holds": 1, "cancelled": 1, "refunded": 0, "applications": 0}
    assert unpaid.status == Order.Status.CANCELLED and hold.status == Hold.Status.RELEASED
    assert TicketType.objects.get(pk=ticket_type.pk).held == 0
    assert not Refund.objects.exists()


def test_free_orders_are_cancelled_without_refunds():
    event = refundable_event()
    order = paid_order(ticket_type=ticket_type_for(event, price="0.00"), quantity=2)
    cancel_event(event)

    event_cancellation_process(event_id=event.pk, now=timezone.now())

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and not Refund.objects.exists()
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}


def test_every_holder_is_emailed_the_reason_and_their_refund(django_capture_on_commit_callbacks):
    event = refundable_event(title="Harbour Jazz")
    order = paid_order(ticket_type=ticket_type_for(event), quantity=2)
    friend = UserFactory(email="friend@example.com")
    Ticket.objects.filter(pk=order.tickets.first().pk).update(holder=friend)
    mail.outbox.clear()

    cancel_event(event, reason="The venue flooded.", capture=django_capture_on_commit_callbacks)

    cancelled = [message for message in mail.outbox if message.subject == "Cancelled: Harbour Jazz"]
    assert sorted(message.to[0] for message in cancelled) == sorted([order.buyer.email, friend.email])
    to_buyer = next(message for message in cancelled if message.to == [order.buyer.email])
    assert "The venue flooded." in to_buyer.body and f"40.00 {order.currency}" in to_buyer.body
    assert any(message.subject.startswith("Refund of 40.00") for message in mail.outbox)


def test_the_job_does_nothing_for_an_event_that_is_not_cancelled():
    event = refundable_event()
    order = paid_order(ticket_type=ticket_type_for(event))

    assert event_cancellation_process(event_id=event.pk, now=timezone.now()) == {
        "holds": 0,
        "cancelled": 0,
        "refunded": 0,
        "applications": 0,
    }

    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_a_payment_landing_after_its_order_was_cancelled_with_the_event_is_refunded():
    event = refundable_event()
    order = pending_order(ticket_type=ticket_type_for(event))
    payment = Payment.objects.create(order=order, provider="simulated", amount=order.total, currency=order.currency)
    Payment.objects.filter(pk=payment.pk).update(provider_payment_id="simpi_late")
    cancel_event(event)
    event_cancellation_process(event_id=event.pk, now=timezone.now())
    state = ProviderPayment(
        provider_payment_id="simpi_late", status="succeeded", amount=order.total, currency=order.currency
    )
    payment_record_state(payment=Payment.objects.get(pk=payment.pk), state=state, now=timezone.now())

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert Refund.objects.get().kind == Refund.Kind.LATE_PAYMENT
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}


def test_the_sweep_finishes_cancelled_events_whose_job_was_lost():
    event = refundable_event()
    order = paid_order(ticket_type=ticket_type_for(event))
    cancel_event(event)  # the job is never published (no commit in this test)

    published = tasks.process_cancelled_events()

    order.refresh_from_db()
    assert published == 1 and order.status == Order.Status.REFUNDED
    assert tasks.process_cancelled_events() == 0


def test_a_busy_order_is_left_for_the_next_run(monkeypatch):
    event = refundable_event()
    ticket_type = ticket_type_for(event)
    first, second = paid_order(ticket_type=ticket_type), paid_order(ticket_type=ticket_type)
    cancel_event(event)
    original = cancellations.order_close_for_cancelled_event

    def busy_on_second(*, order_id, now):
        if order_id == second.pk:
            raise Busy()
        return original(order_id=order_id, now=now)

    monkeypatch.setattr(cancellations, "order_close_for_cancelled_event", busy_on_second)
    with pytest.raises(Busy):
        event_cancellation_process(event_id=event.pk, now=timezone.now())
    monkeypatch.setattr(cancellations, "order_close_for_cancelled_event", original)

    event_cancellation_process(event_id=event.pk, now=timezone.now())

    assert refunds_per_order(event) == {first.pk: 1, second.pk: 1}


def test_the_organizer_cancel_page_says_how_many_orders_are_refunded_and_how_much(client):
    event = refundable_event()
    ticket_type = ticket_type_for(event, price="25.00")
    paid_order(ticket_type=ticket_type, quantity=2)
    paid_order(ticket_type=ticket_type, quantity=1)
    pending_order(ticket_type=ticket_type)
    client.force_login(event.organizer)

    body = client.get(reverse("organizer:event_cancel", args=[event.pk])).content.decode()

    assert "2 paid orders are refunded in full" in body and f"75.00 {event.currency}" in body
    assert "1 order awaiting payment is cancelled" in body


def test_cancelling_through_the_organizer_page_refunds_the_buyers(client, django_capture_on_commit_callbacks):
    event = refundable_event()
    order = paid_order(ticket_type=ticket_type_for(event))
    client.force_login(event.organizer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organizer:event_cancel", args=[event.pk]), {"reason": "Storm warning.", "confirm": "on"})

    order.refresh_from_db()
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED
    assert order.status == Order.Status.REFUNDED
    assert order.payments.get().status == Payment.Status.REFUNDED


def test_a_buyer_cannot_cancel_tickets_of_a_cancelled_event_themselves():
    event = refundable_event()
    order = paid_order(ticket_type=ticket_type_for(event))
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)

    with pytest.raises(CancellationNotAllowed, match="refunded in full"):
        order_cancel_by_buyer(order=order, buyer=order.buyer, ticket_ids=None, now=timezone.now())


def test_paying_an_order_of_a_cancelled_event_after_the_job_is_refused_or_refunded():
    event = refundable_event()
    order = pending_order(ticket_type=ticket_type_for(event))
    cancel_event(event)
    event_cancellation_process(event_id=event.pk, now=timezone.now())

    with pytest.raises(OrderNotPayable):
        payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())


def test_pending_applications_of_a_cancelled_event_are_declined_with_a_reason(django_capture_on_commit_callbacks):
    from events.services.events import event_cancel
    from tickets.models import Application
    from tickets.tests.helpers_applications import application_submitted, approval_event

    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)

    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, actor=event.organizer, reason="Venue flooded", now=timezone.now())

    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.decline_reason == "The event was cancelled."
