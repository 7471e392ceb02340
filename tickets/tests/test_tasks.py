"""The periodic expiry sweep task."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from events.models import TicketType
from payments.tests.helpers import pending_order
from tickets.models import Order
from tickets.tasks import expire_holds_and_orders

pytestmark = pytest.mark.django_db


def test_the_sweep_expires_unpaid_orders_and_gives_capacity_back():
    order = pending_order(quantity=2, now=timezone.now() - timedelta(minutes=11))

    result = expire_holds_and_orders.delay().get()

    order.refresh_from_db()
    assert result == {"holds": 0, "orders": 1, "applications": 0}
    assert order.status == Order.Status.EXPIRED
    assert TicketType.objects.get(pk=order.lines.get().ticket_type_id).held == 0


def test_the_sweep_leaves_live_orders_alone():
    order = pending_order()

    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        result = expire_holds_and_orders()

    order.refresh_from_db()
    assert result == {"holds": 0, "orders": 0, "applications": 0} and order.status == Order.Status.PENDING
