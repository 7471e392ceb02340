"""Races on PostgreSQL: a double-clicked cancellation and two cancellation jobs of one event refund once."""

import pytest
from django.utils import timezone

from events.models import Event, TicketType
from payments.models import Refund
from tickets.models import Order
from tickets.services.cancellations import event_cancellation_process, order_cancel_by_buyer
from tickets.tests.refund_helpers import paid_order, ticket_type_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def simulated(settings):
    settings.PAYMENT_PROVIDER = "simulated"


def test_the_same_cancellation_submitted_at_once_refunds_once(race):
    order = paid_order(quantity=2)
    ticket = order.tickets.order_by("pk").first()

    results = race(
        lambda _: order_cancel_by_buyer(order=order, buyer=order.buyer, ticket_ids=[ticket.pk], now=timezone.now()),
        n=6,
        workers=6,
    )

    assert not [result for result in results if isinstance(result, Exception)]
    assert sum(not result.repeated for result in results) == 1
    assert Refund.objects.count() == 1
    assert TicketType.objects.get(pk=ticket.ticket_type_id).sold == 1


def test_cancelling_two_different_tickets_at_once_refunds_each_once(race):
    order = paid_order(quantity=2)
    first, second = order.tickets.order_by("pk")

    results = race(
        lambda i: order_cancel_by_buyer(
            order=order, buyer=order.buyer, ticket_ids=[(first, second)[i % 2].pk], now=timezone.now()
        ),
        n=4,
        workers=4,
    )

    order.refresh_from_db()
    assert not [result for result in results if isinstance(result, Exception)]
    assert Refund.objects.count() == 2 and order.status == Order.Status.REFUNDED


def test_two_cancellation_jobs_at_once_refund_every_order_once(race):
    ticket_type = ticket_type_for()
    orders = [paid_order(ticket_type=ticket_type, quantity=1) for _ in range(5)]
    Event.objects.filter(pk=ticket_type.event_id).update(status=Event.Status.CANCELLED)

    results = race(
        lambda _: event_cancellation_process(event_id=ticket_type.event_id, now=timezone.now()), n=3, workers=3
    )

    assert not [result for result in results if isinstance(result, Exception)]
    assert sum(result["refunded"] for result in results) == 5
    per_order = sorted(Refund.objects.values_list("payment__order_id", flat=True))
    assert per_order == sorted(order.pk for order in orders)


@pytest.mark.parametrize("round_", range(6))
def test_a_ticket_cancelled_while_it_is_scanned_is_either_admitted_or_refunded_never_both(race, round_):
    from datetime import timedelta

    from checkin.models import CheckIn, Reason
    from checkin.services.scans import scan_redeem
    from checkin.tests.factories import gate_staff
    from tickets.errors import TicketAlreadyUsed
    from tickets.models import Ticket
    from tickets.tests.refund_helpers import refundable_event

    event = refundable_event(policy=[{"hours_before": 1, "percent": 100}], starts_in=timedelta(hours=3))
    order = paid_order(ticket_type=ticket_type_for(event), quantity=1)
    ticket = order.tickets.get()
    staff = gate_staff(event)

    def act(i: int):
        if i == 0:
            return order_cancel_by_buyer(order=order, buyer=order.buyer, ticket_ids=[ticket.pk], now=timezone.now())
        return scan_redeem(
            staff=staff, event=event, code=ticket.serial, gate="G", device_id="d", scan_id=f"r{round_}",
            now=timezone.now(),
        ).reason  # fmt: skip

    cancelled, scanned = race(act, n=2, workers=2)

    ticket.refresh_from_db()
    admitted = CheckIn.objects.filter(ticket=ticket).exists()
    assert admitted == (scanned == Reason.OK)
    assert admitted != (ticket.status == Ticket.Status.REFUNDED)  # exactly one of the two happened
    if admitted:
        assert isinstance(cancelled, TicketAlreadyUsed) and not Refund.objects.exists()
    else:
        assert scanned == Reason.REFUNDED and Refund.objects.count() == 1
