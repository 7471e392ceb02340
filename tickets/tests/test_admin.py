"""Orders, tickets and holds in Django admin: searchable, read-only, and the audited "Refund in full" action."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import TicketType
from payments.models import Refund
from payments.services.payments import payment_pay_simulated
from payments.tests.helpers import CARD_OK, pending_order
from tickets.models import Hold, Order, Ticket
from tickets.services.holds import LineRequest, hold_create
from tickets.tests.factories import order_booked, seated_event, seats_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulated")]

ORDERS = reverse("admin:tickets_order_changelist")
TICKETS = reverse("admin:tickets_ticket_changelist")
HOLDS = reverse("admin:tickets_hold_changelist")


@pytest.fixture
def simulated(settings):
    settings.PAYMENT_PROVIDER = "simulated"


@pytest.fixture
def admin_user():
    return UserFactory(admin=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def paid_order(**kwargs) -> Order:
    order = pending_order(**kwargs)
    payment_pay_simulated(order=order, card_number=CARD_OK, now=timezone.now())
    order.refresh_from_db()
    return order


def refund_action(admin_client, orders, **extra):
    data = {"action": "refund_in_full", ACTION_CHECKBOX_NAME: [order.pk for order in orders], **extra}
    return admin_client.post(ORDERS, data)


@pytest.mark.parametrize("changelist", [ORDERS, TICKETS, HOLDS])
def test_changelists_answer_an_admin(admin_client, changelist):
    paid_order()

    response = admin_client.get(changelist)

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_order_changelist_query_count_does_not_grow_with_the_orders(admin_client):
    def queries_with(orders: int) -> int:
        for _ in range(orders):
            paid_order()
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(ORDERS).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(10)


@pytest.mark.parametrize("term", ["code", "buyer_email", "ticket_serial"])
def test_orders_are_found_by_code_buyer_email_and_ticket_serial(admin_client, term):
    order = paid_order()
    paid_order()
    query = {"code": order.code, "buyer_email": order.buyer.email, "ticket_serial": order.tickets.first().serial}

    response = admin_client.get(ORDERS, {"q": query[term]})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [order]


@pytest.mark.parametrize("term", ["serial", "attendee_name", "order_code", "buyer_email"])
def test_tickets_are_found_by_serial_attendee_order_code_and_buyer_email(admin_client, term):
    order = pending_order(quantity=1)
    Ticket.objects.filter(order=order).update(attendee_name="Nadia Quill")
    pending_order(quantity=1)
    ticket = order.tickets.get()
    query = {"serial": ticket.serial, "attendee_name": "nadia quill", "order_code": order.code}
    query["buyer_email"] = order.buyer.email

    response = admin_client.get(TICKETS, {"q": query[term]})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [ticket]


def test_holds_are_found_by_buyer_email(admin_client):
    order = pending_order()
    pending_order()

    response = admin_client.get(HOLDS, {"q": order.buyer.email})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [order.hold]


def test_orders_are_filtered_by_status_and_event(admin_client):
    paid = paid_order()
    pending = pending_order()

    by_status = admin_client.get(ORDERS, {"status__exact": "pending"})
    by_event = admin_client.get(ORDERS, {"event__id__exact": paid.event_id})

    assert list(by_status.context["cl"].result_list) == [pending]
    assert list(by_event.context["cl"].result_list) == [paid]


def test_order_page_shows_its_lines_and_tickets_read_only(admin_client):
    _event, (stalls,) = seated_event()
    order = order_booked(ticket_type=stalls, names=["Olga Pine"], seat_ids=seats_of(stalls)[:1])

    response = admin_client.get(reverse("admin:tickets_order_change", args=[order.pk]))

    body = response.content.decode()
    assert response.status_code == 200 and not response.context["has_change_permission"]
    assert order.tickets.get().serial in body and "Olga Pine" in body and "Stalls section · A1" in body


def test_ticket_page_never_shows_the_qr_secret(admin_client):
    ticket = paid_order().tickets.first()

    response = admin_client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))

    assert response.status_code == 200
    assert ticket.secret not in response.content.decode()


def test_hold_page_answers(admin_client):
    hold = pending_order().hold

    response = admin_client.get(reverse("admin:tickets_hold_change", args=[hold.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("model", ["order", "ticket", "hold"])
def test_money_records_cannot_be_added_changed_or_deleted(admin_client, model):
    order = paid_order()
    obj = {"order": order, "ticket": order.tickets.first(), "hold": order.hold}[model]

    add = admin_client.get(reverse(f"admin:tickets_{model}_add"))
    change = admin_client.post(reverse(f"admin:tickets_{model}_change", args=[obj.pk]), {"status": "cancelled"})
    delete = admin_client.post(reverse(f"admin:tickets_{model}_delete", args=[obj.pk]), {"post": "yes"})

    obj.refresh_from_db()
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert obj.status != "cancelled"


def test_bulk_delete_is_not_offered(admin_client):
    paid_order()

    response = admin_client.get(ORDERS)

    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "refund_in_full" in actions and "delete_selected" not in actions


def test_refund_in_full_asks_for_a_reason_first(admin_client):
    order = paid_order()

    response = refund_action(admin_client, [order])

    assert response.status_code == 200
    assert order.code in response.content.decode()
    assert not Refund.objects.exists()


def test_refund_in_full_needs_a_reason(admin_client):
    order = paid_order()

    response = refund_action(admin_client, [order], apply="1", reason="")

    assert response.status_code == 200 and response.context["form"].errors
    assert not Refund.objects.exists()


def test_refund_in_full_refunds_through_the_payment_service_and_audits(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    order = paid_order(quantity=2)
    ticket_type = order.lines.get().ticket_type

    with django_capture_on_commit_callbacks(execute=True):
        response = refund_action(admin_client, [order], apply="1", reason="Double booking")

    order.refresh_from_db()
    refund = Refund.objects.get()
    entry = AuditLogEntry.objects.get(action="order.refunded_in_full")
    assert response.status_code == 302
    assert order.status == Order.Status.REFUNDED
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.REFUNDED}
    assert TicketType.objects.get(pk=ticket_type.pk).sold == 0
    assert (refund.status, refund.amount, refund.requested_by) == (Refund.Status.SUCCEEDED, order.total, admin_user)
    assert (entry.actor, entry.target_id, entry.data["reason"]) == (admin_user, str(order.pk), "Double booking")


def test_refund_in_full_of_an_unpaid_order_changes_nothing_and_says_why(admin_client):
    order = pending_order()

    response = refund_action(admin_client, [order], apply="1", reason="x")

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == Order.Status.PENDING
    assert not Refund.objects.exists() and not AuditLogEntry.objects.exists()
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any(order.code in message for message in messages)


def test_organizers_cannot_use_the_tickets_admin(client):
    client.force_login(UserFactory(organizer=True))

    response = client.get(ORDERS)

    assert response.status_code == 302  # to the admin login


def test_active_holds_show_in_admin(admin_client):
    ticket_type = pending_order().lines.get().ticket_type
    hold = hold_create(
        buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now()
    )

    response = admin_client.get(HOLDS, {"status__exact": Hold.Status.ACTIVE})

    assert list(response.context["cl"].result_list) == [hold]
