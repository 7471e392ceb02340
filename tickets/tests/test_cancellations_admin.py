"""Admins refund any order or some of its tickets, fully or partly."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import TicketType
from payments.errors import NothingToRefund, RefundExceedsPayment
from payments.models import Refund
from tickets.models import Order, Ticket
from tickets.services.cancellations import order_refund_by_admin
from tickets.tests.refund_helpers import cancel, paid_order, refundable_event, statuses, ticket_type_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def simulated(settings):
    settings.PAYMENT_PROVIDER = "simulated"


# --- admins -------------------------------------------------------------------------------------------------


def test_an_admin_refunds_part_of_an_order_without_revoking_tickets(hook_calls):
    order = paid_order(quantity=2)
    admin = UserFactory(admin=True)

    result = order_refund_by_admin(
        order=order, actor=admin, amount=Decimal("5.00"), ticket_ids=[], reason="Late start", now=timezone.now()
    )

    order.refresh_from_db()
    [refund] = result.refunds
    assert (refund.amount, refund.kind, refund.requested_by) == (Decimal("5.00"), Refund.Kind.ADMIN_PARTIAL, admin)
    assert order.status == Order.Status.PAID and statuses(order) == [Ticket.Status.VALID] * 2
    entry = AuditLogEntry.objects.get(action="order.refunded_by_admin")
    assert entry.actor == admin and entry.data["reason"] == "Late start"
    assert hook_calls == []


def test_an_admin_revokes_one_ticket_with_its_refund():
    order = paid_order(quantity=2)
    first = order.tickets.first()

    order_refund_by_admin(
        order=order,
        actor=UserFactory(admin=True),
        amount=Decimal("20.00"),
        ticket_ids=[first.pk],
        reason="Double booking",
        now=timezone.now(),
    )

    assert statuses(order) == [Ticket.Status.REFUNDED, Ticket.Status.VALID]
    assert TicketType.objects.get(pk=first.ticket_type_id).sold == 1


def test_an_admin_refunds_everything_left_after_a_buyer_cancellation_with_a_fee(hook_calls):
    order = paid_order(ticket_type=ticket_type_for(refundable_event(fee="3.00")), quantity=1)
    cancel(order)

    order_refund_by_admin(
        order=order,
        actor=UserFactory(admin=True),
        amount=Decimal("3.00"),
        ticket_ids=[],
        reason="Goodwill",
        now=timezone.now(),
    )

    assert sum(order.payments.get().refunds.values_list("amount", flat=True)) == Decimal("20.00")
    assert hook_calls == [order.pk]


@pytest.mark.parametrize(("amount", "error"), [("40.01", RefundExceedsPayment), ("0", NothingToRefund)])
def test_an_admin_refund_is_refused_when_too_large_or_empty(amount, error):
    order = paid_order(quantity=2)

    with pytest.raises(error):
        order_refund_by_admin(
            order=order,
            actor=UserFactory(admin=True),
            amount=Decimal(amount),
            ticket_ids=[],
            reason="x",
            now=timezone.now(),
        )

    assert not Refund.objects.exists()
