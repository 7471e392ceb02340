"""The "your payment is being refunded" e-mail says why: tickets gone, or the event cancelled."""

from decimal import Decimal

import pytest

from events.models import Event
from events.tests.factories import TicketTypeFactory
from notifications.models import OutboundEmail
from payments.models import Payment, Provider
from payments.services.emails import paid_too_late_queue
from tickets.tests.factories import order_booked

pytestmark = pytest.mark.django_db


def late_payment(*, cancelled: bool) -> Payment:
    order = order_booked(ticket_type=TicketTypeFactory(price=Decimal("20.00")), paid=False)
    if cancelled:
        Event.objects.filter(pk=order.event_id).update(status=Event.Status.CANCELLED)
    return Payment.objects.create(order=order, provider=Provider.SIMULATED, amount=order.total, currency="EUR")


@pytest.mark.parametrize(
    ("cancelled", "says", "does_not_say"),
    [(False, "sold to someone else", "was cancelled"), (True, "was cancelled by its organizer", "someone else")],
)
def test_the_late_payment_email_gives_the_right_reason(cancelled, says, does_not_say):
    paid_too_late_queue(payment=late_payment(cancelled=cancelled))

    email = OutboundEmail.objects.get(template="payment_failed_refunded")
    assert says in email.body_text and says in email.body_html
    assert does_not_say not in email.body_text
