"""The buyer cancels a paid order or some of its tickets under the event's refund policy; admins refund any part."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from checkin.models import CheckIn, Scan
from core.errors import NotFound
from core.models import AuditLogEntry
from events.models import TicketType
from events.tests.factories import CapacityPoolFactory
from payments.models import Payment, Refund
from tickets.errors import CancellationNotAllowed, InvalidSelection, RefundQuoteChanged, TicketAlreadyUsed
from tickets.models import Order, SeatReservation, Ticket
from tickets.tests.factories import seated_event, seats_of
from tickets.tests.refund_helpers import cancel, paid_order, pending_order, refundable_event, statuses, ticket_type_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def simulated(settings):
    settings.PAYMENT_PROVIDER = "simulated"


# --- whole orders -------------------------------------------------------------------------------------------


def test_cancelling_a_whole_order_refunds_it_per_the_policy_and_returns_capacity(
    django_capture_on_commit_callbacks, hook_calls
):
    order = paid_order(quantity=2)
    ticket_type = order.tickets.first().ticket_type

    with django_capture_on_commit_callbacks(execute=True):
        result = cancel(order)

    order.refresh_from_db()
    [refund] = result.refunds
    refund.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.cancelled_at
    assert statuses(order) == [Ticket.Status.REFUNDED] * 2
    assert TicketType.objects.get(pk=ticket_type.pk).sold == 0
    assert (refund.amount, refund.kind, refund.status, refund.requested_by) == (
        Decimal("40.00"),
        Refund.Kind.ATTENDEE_CANCEL,
        Refund.Status.SUCCEEDED,
        order.buyer,
    )
    assert order.payments.get().status == Payment.Status.REFUNDED
    assert hook_calls == [order.pk]


def test_the_fee_is_kept_once_per_cancellation():
    order = paid_order(ticket_type=ticket_type_for(refundable_event(fee="2.50")), quantity=2)

    result = cancel(order)

    assert result.refund_amount == Decimal("37.50")
    assert order.payments.get().refunds.get().amount == Decimal("37.50")


def test_inside_the_50_percent_tier_half_is_refunded():
    order = paid_order(ticket_type=ticket_type_for(refundable_event(starts_in=timedelta(days=3))), quantity=1)

    result = cancel(order)

    assert (result.quote.percent, result.refund_amount) == (50, Decimal("10.00"))


def test_after_the_last_tier_a_paid_order_cannot_be_cancelled():
    order = paid_order(ticket_type=ticket_type_for(refundable_event(starts_in=timedelta(hours=47))))

    with pytest.raises(CancellationNotAllowed):
        cancel(order)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and not Refund.objects.exists()


def test_an_event_without_refund_tiers_cannot_be_cancelled_by_the_buyer():
    order = paid_order(ticket_type=ticket_type_for(refundable_event(policy=[])))

    with pytest.raises(CancellationNotAllowed, match="does not offer refunds"):
        cancel(order)

    assert statuses(order) == [Ticket.Status.VALID] * 2


def test_a_zero_percent_tier_lets_the_buyer_give_tickets_back_without_a_refund(hook_calls):
    order = paid_order(ticket_type=ticket_type_for(refundable_event(policy=[{"hours_before": 1, "percent": 0}])))

    result = cancel(order)

    order.refresh_from_db()
    assert result.refunds == [] and order.status == Order.Status.REFUNDED
    assert hook_calls == [order.pk]


# --- some tickets ---------------------------------------------------------------------------------------------


def test_cancelling_one_ticket_revokes_only_that_ticket_and_keeps_the_order_paid(hook_calls):
    order = paid_order(quantity=3)
    first, second, _third = order.tickets.order_by("pk")

    result = cancel(order, [second.pk])

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert statuses(order) == [Ticket.Status.VALID, Ticket.Status.REFUNDED, Ticket.Status.VALID]
    assert result.refund_amount == Decimal("20.00")
    assert TicketType.objects.get(pk=first.ticket_type_id).sold == 2
    assert hook_calls == []


def test_cancelling_tickets_one_by_one_ends_with_the_order_refunded_once(
    django_capture_on_commit_callbacks, hook_calls
):
    order = paid_order(ticket_type=ticket_type_for(refundable_event(fee="1.00")), quantity=2)
    first, second = order.tickets.order_by("pk")

    with django_capture_on_commit_callbacks(execute=True):
        cancel(order, [first.pk])
    with django_capture_on_commit_callbacks(execute=True):
        cancel(order, [second.pk])

    order.refresh_from_db()
    payment = order.payments.get()
    assert order.status == Order.Status.REFUNDED
    assert sorted(payment.refunds.values_list("amount", flat=True)) == [Decimal("19.00"), Decimal("19.00")]
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED  # the fees were kept
    assert hook_calls == [order.pk]


def test_a_partial_cancellation_then_the_rest_of_the_order(hook_calls):
    order = paid_order(quantity=3)
    first = order.tickets.order_by("pk").first()
    cancel(order, [first.pk])

    result = cancel(order)

    order.refresh_from_db()
    assert len(result.tickets) == 2 and result.refund_amount == Decimal("40.00")
    assert order.status == Order.Status.REFUNDED and hook_calls == [order.pk]


def test_a_discounted_order_refunds_what_was_paid_for_the_tickets():
    order = paid_order(quantity=2)
    Order.objects.filter(pk=order.pk).update(discount=Decimal("10.00"), total=Decimal("30.00"))
    order.tickets.update(price=Decimal("15.00"))  # the discount spread over the tickets, as checkout does
    order.refresh_from_db()
    first = order.tickets.order_by("pk").first()

    result = cancel(order, [first.pk])

    assert result.refund_amount == Decimal("15.00")


def test_cancelled_seats_go_back_on_sale():
    event, [zone] = seated_event()
    event.refund_policy = [{"hours_before": 1, "percent": 100}]
    event.save()
    seats = seats_of(zone)[:2]
    order = paid_order(ticket_type=zone, seat_ids=seats)
    ticket = order.tickets.get(seat_id=seats[0])

    cancel(order, [ticket.pk])

    assert set(SeatReservation.objects.values_list("seat_id", flat=True)) == {seats[1]}


def test_shared_capacity_returns_too():
    pool = CapacityPoolFactory(event=refundable_event(), capacity=10)
    ticket_type = ticket_type_for(pool.event)
    TicketType.objects.filter(pk=ticket_type.pk).update(pool=pool)
    order = paid_order(ticket_type=TicketType.objects.get(pk=ticket_type.pk), quantity=2)

    cancel(order, [order.tickets.first().pk])

    pool.refresh_from_db()
    assert pool.sold == 1


# --- refusals -----------------------------------------------------------------------------------------------


def test_a_used_ticket_cannot_be_cancelled():
    order = paid_order(quantity=2)
    used = order.tickets.first()
    staff = UserFactory()
    scan = Scan.objects.create(
        scan_id="scan-1",
        event=order.event,
        ticket=used,
        staff=staff,
        method=Scan.Method.SERIAL,
        result="ok",
        scanned_at=timezone.now(),
    )
    CheckIn.objects.create(ticket=used, event=order.event, admitted_at=timezone.now(), staff=staff, scan=scan)

    with pytest.raises(TicketAlreadyUsed):
        cancel(order, [used.pk])
    with pytest.raises(TicketAlreadyUsed):
        cancel(order)

    assert statuses(order) == [Ticket.Status.VALID] * 2 and not Refund.objects.exists()


def test_someone_elses_order_is_not_found():
    order = paid_order()

    with pytest.raises(NotFound):
        cancel(order, buyer=UserFactory())

    assert statuses(order) == [Ticket.Status.VALID] * 2


def test_tickets_of_another_order_are_refused():
    order, other = paid_order(), paid_order()

    with pytest.raises(InvalidSelection):
        cancel(order, [other.tickets.first().pk])

    assert statuses(other) == [Ticket.Status.VALID] * 2


def test_an_unpaid_order_is_not_cancelled_with_a_refund():
    order = pending_order(ticket_type=ticket_type_for())

    with pytest.raises(CancellationNotAllowed):
        cancel(order)


def test_a_ticket_transferred_to_someone_else_cannot_be_cancelled_by_the_buyer():
    order = paid_order(quantity=2)
    given = order.tickets.first()
    Ticket.objects.filter(pk=given.pk).update(holder=UserFactory())

    with pytest.raises(CancellationNotAllowed):
        cancel(order, [given.pk])
    result = cancel(order)  # the whole order: the tickets the buyer still holds

    assert [ticket.pk for ticket in result.tickets] == [order.tickets.last().pk]
    assert Ticket.objects.get(pk=given.pk).status == Ticket.Status.VALID


def test_a_changed_refund_is_refused_until_the_buyer_confirms_the_new_amount():
    order = paid_order(ticket_type=ticket_type_for(refundable_event(starts_in=timedelta(days=3))), quantity=1)

    with pytest.raises(RefundQuoteChanged, match=r"10\.00"):
        cancel(order, expected_refund=Decimal("20.00"))  # shown before the 100 % tier ended

    assert statuses(order) == [Ticket.Status.VALID]
    assert cancel(order, expected_refund=Decimal("10.00")).refund_amount == Decimal("10.00")


# --- repeats, free orders, records --------------------------------------------------------------------------


def test_submitting_the_same_cancellation_twice_refunds_once():
    order = paid_order(quantity=2)
    first = order.tickets.first()
    cancel(order, [first.pk])

    again = cancel(order, [first.pk])

    assert again.repeated and again.refunds == []
    assert Refund.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="tickets.cancelled_by_buyer").count() == 1


def test_cancelling_a_whole_order_twice_refunds_once():
    order = paid_order(quantity=2)
    cancel(order)

    again = cancel(order)

    assert again.repeated and Refund.objects.count() == 1


def test_a_free_order_is_cancelled_without_a_refund(hook_calls):
    order = paid_order(ticket_type=ticket_type_for(refundable_event(policy=[]), price="0.00"), quantity=2)

    result = cancel(order)

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and result.refunds == []
    assert statuses(order) == [Ticket.Status.CANCELLED] * 2
    assert not Refund.objects.exists() and hook_calls == [order.pk]


def test_a_free_order_cannot_be_cancelled_once_the_event_started():
    order = paid_order(ticket_type=ticket_type_for(price="0.00"), quantity=1)

    with pytest.raises(CancellationNotAllowed):
        cancel(order, now=order.event.starts_at)


def test_the_cancellation_is_audited_and_confirmed_by_email(django_capture_on_commit_callbacks):
    order = paid_order(quantity=2)
    first = order.tickets.first()

    with django_capture_on_commit_callbacks(execute=True):
        cancel(order, [first.pk])

    entry = AuditLogEntry.objects.get(action="tickets.cancelled_by_buyer")
    assert (entry.actor, entry.target_id) == (order.buyer, str(order.pk))
    assert entry.data["tickets"] == [first.serial] and entry.data["refund"] == "20.00"
    subjects = [message.subject for message in mail.outbox]
    assert f"Cancellation confirmed: order {order.code}" in subjects
    assert f"Refund of 20.00 {order.currency} for order {order.code}" in subjects  # once the refund went through
