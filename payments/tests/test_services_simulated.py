"""The simulated provider end to end through the services: success, decline, 3-D Secure, idempotency."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events.models import TicketType
from notifications.models import OutboundEmail
from payments.errors import NoActionRequired, OrderAlreadyPaid, PaidTooLate, PaymentDeclined, WrongPaymentProvider
from payments.models import Payment, Refund
from payments.services.payments import payment_confirm_simulated, payment_pay_simulated, payment_start
from payments.tests.helpers import CARD_3DS, CARD_DECLINED, CARD_OK, pending_order, take_remaining_capacity
from tickets.errors import HoldExpired
from tickets.models import Order, Ticket
from tickets.services.orders import orders_expire_due

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulated")]


def test_a_test_card_pays_the_order_and_validates_its_tickets(django_capture_on_commit_callbacks):
    order = pending_order(quantity=2)

    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())

    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.amount == order.total
    assert payment.provider_payment_id.startswith("simpi_")
    assert order.status == Order.Status.PAID
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}
    assert TicketType.objects.get(pk=order.lines.get().ticket_type_id).sold == 2


def test_the_confirmation_email_lists_every_ticket(django_capture_on_commit_callbacks):
    order = pending_order(quantity=2)

    with django_capture_on_commit_callbacks(execute=True):
        payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())

    [message] = mail.outbox
    assert message.to == [order.buyer.email] and order.code in message.subject
    ticket_type = order.lines.get().ticket_type.name
    for ticket in order.tickets.all():
        assert ticket.serial in message.body and ticket.attendee_name in message.body
        assert ticket.serial in message.alternatives[0][0]
    assert ticket_type in message.body


def test_the_confirmation_email_attaches_a_pdf_per_ticket_and_the_event_calendar(django_capture_on_commit_callbacks):
    order = pending_order(quantity=2)

    with django_capture_on_commit_callbacks(execute=True):
        payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())

    [message] = mail.outbox
    pdfs = [item for item in message.attachments if item[2] == "application/pdf"]
    calendars = [item for item in message.attachments if item[2] == "text/calendar"]
    assert sorted(name for name, _, _ in pdfs) == sorted(f"ticket-{t.serial}.pdf" for t in order.tickets.all())
    assert all(content.startswith(b"%PDF") for _, content, _ in pdfs)
    assert len(calendars) == 1 and "BEGIN:VEVENT" in str(calendars[0][1])
    assert all("ticket_id" in ref for ref in OutboundEmail.objects.get().attachments)


def test_a_declined_card_keeps_the_order_pending_and_its_tickets_reserved():
    order = pending_order(quantity=2)

    with pytest.raises(PaymentDeclined) as declined:
        payment_pay_simulated(order=order, card_number=CARD_DECLINED, now=timezone.now())

    order.refresh_from_db()
    assert declined.value.code == "card_declined" and declined.value.status == 402
    assert order.status == Order.Status.PENDING
    assert TicketType.objects.get(pk=order.lines.get().ticket_type_id).held == 2
    assert Payment.objects.get().status == Payment.Status.FAILED


def test_after_a_decline_another_card_pays_with_a_new_payment():
    order = pending_order()
    with pytest.raises(PaymentDeclined):
        payment_pay_simulated(order=order, card_number=CARD_DECLINED, now=timezone.now())

    payment = payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())

    assert list(order.payments.order_by("pk").values_list("status", flat=True)) == ["failed", "succeeded"]
    assert payment.order.status == Order.Status.PAID


def test_a_card_that_is_not_a_test_card_is_declined():
    order = pending_order()

    with pytest.raises(PaymentDeclined) as declined:
        payment_pay_simulated(order=order, card_number="4111111111111111", now=timezone.now())

    assert declined.value.code == "test_card_required"


def test_a_3d_secure_card_waits_for_the_confirmation_step():
    order = pending_order()

    payment = payment_pay_simulated(order=order, card_number=CARD_3DS, now=timezone.now())

    order.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_ACTION
    assert order.status == Order.Status.PENDING


def test_completing_3d_secure_pays_the_order():
    order = pending_order()
    payment = payment_pay_simulated(order=order, card_number=CARD_3DS, now=timezone.now())

    payment = payment_confirm_simulated(payment=payment, approve=True, now=timezone.now())

    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.order.status == Order.Status.PAID


def test_failing_3d_secure_declines_the_payment():
    order = pending_order()
    payment = payment_pay_simulated(order=order, card_number=CARD_3DS, now=timezone.now())

    with pytest.raises(PaymentDeclined) as declined:
        payment_confirm_simulated(payment=payment, approve=False, now=timezone.now())

    order.refresh_from_db()
    assert declined.value.code == "authentication_failed"
    assert order.status == Order.Status.PENDING


def test_confirming_a_payment_that_waits_for_nothing_is_refused():
    payment = payment_pay_simulated(order=pending_order(), card_number=CARD_OK, now=timezone.now())

    with pytest.raises(NoActionRequired):
        payment_confirm_simulated(payment=payment, approve=True, now=timezone.now())


def test_starting_twice_reuses_the_open_payment():
    order = pending_order()

    first = payment_start(order=order, now=timezone.now())
    second = payment_start(order=order, now=timezone.now())

    assert first.pk == second.pk
    assert first.provider_payment_id == second.provider_payment_id
    assert Payment.objects.count() == 1


def test_a_paid_order_cannot_be_paid_again():
    order = pending_order()
    payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())

    with pytest.raises(OrderAlreadyPaid):
        payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())

    assert Payment.objects.count() == 1


def test_an_expired_order_cannot_start_a_payment():
    order = pending_order()

    with pytest.raises(HoldExpired):
        payment_pay_simulated(order=order, card_number=CARD_OK, now=order.expires_at + timedelta(seconds=1))

    assert not Payment.objects.exists()


def test_card_payments_are_refused_when_stripe_is_the_provider(settings):
    settings.PAYMENT_PROVIDER = "stripe"

    with pytest.raises(WrongPaymentProvider):
        payment_pay_simulated(order=pending_order(), card_number=CARD_OK, now=timezone.now())


def test_3d_secure_completed_after_the_tickets_were_sold_refunds_the_payment(django_capture_on_commit_callbacks):
    order = pending_order(quantity=2, capacity=2)
    payment = payment_pay_simulated(order=order, card_number=CARD_3DS, now=timezone.now())
    later = order.expires_at + timedelta(minutes=1)
    orders_expire_due(now=later)
    take_remaining_capacity(order, now=later)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PaidTooLate):
        payment_confirm_simulated(payment=payment, approve=True, now=later)

    order.refresh_from_db()
    payment.refresh_from_db()
    refund = Refund.objects.get()
    assert order.status == Order.Status.EXPIRED
    assert (refund.kind, refund.status, refund.amount) == (
        Refund.Kind.LATE_PAYMENT,
        Refund.Status.SUCCEEDED,
        payment.amount,
    )
    assert payment.status == Payment.Status.REFUNDED
    assert {message.subject for message in mail.outbox} == {
        f"Your payment for {order.event.title} is being refunded",
        f"Refund of {payment.amount} {payment.currency} for order {order.code}",
    }
