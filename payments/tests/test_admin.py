"""Payments in Django admin: searchable, read-only, and the audited "Refund in full" action."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from payments.models import Payment, Refund, WebhookEvent
from payments.services.payments import payment_pay_simulated
from payments.tests.helpers import CARD_OK, pending_order
from tickets.models import Order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulated")]

CHANGELIST = reverse("admin:payments_payment_changelist")


@pytest.fixture
def admin_user():
    return UserFactory(admin=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def paid_order():
    order = pending_order()
    payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())
    return order


def refund_action(admin_client, payments, **extra):
    data = {"action": "refund_in_full", ACTION_CHECKBOX_NAME: [payment.pk for payment in payments], **extra}
    return admin_client.post(CHANGELIST, data)


@pytest.mark.parametrize("term", ["order_code", "buyer_email", "provider_id"])
def test_payments_are_found_by_order_code_buyer_email_and_provider_id(admin_client, term):
    order = paid_order()
    paid_order()
    payment = order.payments.get()
    query = {"order_code": order.code, "buyer_email": order.buyer.email, "provider_id": payment.provider_payment_id}

    response = admin_client.get(CHANGELIST, {"q": query[term]})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [payment]


def test_the_payment_page_is_read_only_and_hides_the_client_secret(admin_client):
    payment = paid_order().payments.get()

    response = admin_client.get(reverse("admin:payments_payment_change", args=[payment.pk]))

    assert response.status_code == 200
    assert payment.client_secret not in response.content.decode()
    assert not response.context["has_change_permission"]


def test_refund_in_full_asks_for_a_reason_first(admin_client):
    order = paid_order()

    response = refund_action(admin_client, order.payments.all())

    assert response.status_code == 200
    assert order.code in response.content.decode()
    assert not Refund.objects.exists()


def test_refund_in_full_needs_a_reason(admin_client):
    order = paid_order()

    response = refund_action(admin_client, order.payments.all(), apply="1", reason="")

    assert response.status_code == 200 and response.context["form"].errors
    assert not Refund.objects.exists()


def test_refund_in_full_refunds_through_the_service_and_the_audit_log(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    order = paid_order()

    with django_capture_on_commit_callbacks(execute=True):
        response = refund_action(admin_client, order.payments.all(), apply="1", reason="Customer request")

    order.refresh_from_db()
    refund = Refund.objects.get()
    entry = AuditLogEntry.objects.get(action="order.refunded_in_full")
    assert response.status_code == 302
    assert order.status == Order.Status.REFUNDED
    assert (refund.status, refund.reason, refund.requested_by) == (
        Refund.Status.SUCCEEDED,
        "Customer request",
        admin_user,
    )
    assert (entry.actor, entry.data["reason"]) == (admin_user, "Customer request")


def test_refund_in_full_of_an_unpaid_order_changes_nothing(admin_client):
    order = pending_order()
    payment = Payment.objects.create(order=order, provider="simulated", amount=order.total, currency=order.currency)

    response = refund_action(admin_client, [payment], apply="1", reason="x")

    assert response.status_code == 302
    assert not Refund.objects.exists() and not AuditLogEntry.objects.exists()


def test_organizers_cannot_use_the_payments_admin(client):
    client.force_login(UserFactory(organizer=True))

    response = client.get(CHANGELIST)

    assert response.status_code == 302  # to the admin login


def test_webhook_events_are_read_only(admin_client):
    event = WebhookEvent.objects.create(event_id="evt_1", type="payment_intent.succeeded", payload={})

    changelist = admin_client.get(reverse("admin:payments_webhookevent_changelist"))
    change = admin_client.post(reverse("admin:payments_webhookevent_change", args=[event.pk]), {"type": "x"})

    event.refresh_from_db()
    assert changelist.status_code == 200 and "evt_1" in changelist.content.decode()
    assert change.status_code == 403 and event.type == "payment_intent.succeeded"
    assert admin_client.get(reverse("admin:payments_webhookevent_add")).status_code == 403
