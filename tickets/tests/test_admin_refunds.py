"""The admin's refund page of an order: any amount up to what is left, optionally revoking tickets; audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from payments.models import Refund
from tickets.models import Ticket
from tickets.tests.refund_helpers import paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def simulated(settings):
    settings.PAYMENT_PROVIDER = "simulated"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(admin=True))
    return client


def refund_url(order):
    return reverse("admin:tickets_order_refund", args=[order.pk])


def test_the_order_page_links_to_the_refund_page(admin_client):
    order = paid_order()

    body = admin_client.get(reverse("admin:tickets_order_change", args=[order.pk])).content.decode()

    assert refund_url(order) in body


def test_the_refund_page_offers_what_is_left_and_the_valid_tickets(admin_client):
    order = paid_order(quantity=2)

    response = admin_client.get(refund_url(order))

    form = response.context["form"]
    assert response.status_code == 200
    assert form.fields["amount"].initial == Decimal("40.00")
    assert list(form.fields["tickets"].queryset) == list(order.tickets.order_by("pk"))


def test_an_admin_refunds_part_and_revokes_one_ticket(admin_client):
    order = paid_order(quantity=2)
    first = order.tickets.order_by("pk").first()

    response = admin_client.post(
        refund_url(order), {"amount": "12.50", "tickets": [first.pk], "reason": "Seat was broken"}
    )

    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.kind) == (Decimal("12.50"), Refund.Kind.ADMIN_PARTIAL)
    assert Ticket.objects.get(pk=first.pk).status == Ticket.Status.REFUNDED
    assert AuditLogEntry.objects.get(action="order.refunded_by_admin").data["tickets"] == [first.serial]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "40.01", "reason": "x"}, "At most 40.00 can be refunded."),
        ({"amount": "0", "reason": "x"}, "Enter an amount to refund or choose tickets to revoke."),
        ({"amount": "-1", "reason": "x"}, "greater than or equal to 0"),
        ({"amount": "5", "reason": ""}, "This field is required."),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(admin_client, data, message):
    order = paid_order(quantity=2)

    response = admin_client.post(refund_url(order), data)

    assert response.status_code == 200 and message in response.content.decode()
    assert not Refund.objects.exists()


def test_only_admins_reach_the_refund_page(client):
    order = paid_order()
    client.force_login(UserFactory(organizer=True))

    response = client.get(refund_url(order))

    assert response.status_code in (302, 403)
    assert not Refund.objects.exists()
