"""Cancelling in the browser (the page, the live refund box) and over the API (cancel, refund-quote)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from payments.models import Refund
from tickets.models import Order, Ticket
from tickets.tests.refund_helpers import paid_order, pending_order, refundable_event, ticket_type_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def simulated(settings):
    settings.PAYMENT_PROVIDER = "simulated"


def cancel_url(order, suffix=""):
    return reverse(f"tickets:order_cancel{suffix}", args=[order.code])


# --- page -------------------------------------------------------------------------------------------------


def test_the_page_lists_the_tickets_the_policy_and_the_refund_before_confirming(client):
    order = paid_order(ticket_type=ticket_type_for(refundable_event(fee="1.50")), quantity=2)
    client.force_login(order.buyer)

    response = client.get(cancel_url(order))

    body = response.content.decode()
    assert response.status_code == 200
    assert all(ticket.serial in body for ticket in order.tickets.all())
    assert "100 %" in body and "50 %" in body and "A fee of 1.50" in body
    assert f"38.50 {order.currency}" in body and 'name="expected_refund" value="38.50"' in body


def test_a_ticket_link_preselects_that_ticket_only(client):
    order = paid_order(quantity=2)
    _first, second = order.tickets.order_by("pk")
    client.force_login(order.buyer)

    response = client.get(cancel_url(order), {"ticket": second.pk})

    assert response.context["options"].selected_ids == [second.pk]
    assert 'name="expected_refund" value="20.00"' in response.content.decode()


def test_the_refund_box_follows_the_ticked_tickets(client):
    order = paid_order(quantity=3)
    ids = list(order.tickets.order_by("pk").values_list("pk", flat=True))
    client.force_login(order.buyer)

    response = client.get(cancel_url(order, "_quote"), {"tickets": ids[:2]}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="refund-quote"')
    assert f"40.00 {order.currency}" in body and "Cancel 2 tickets and refund 40.00" in body


def test_confirming_cancels_the_ticket_and_shows_the_refund_on_the_order(client, django_capture_on_commit_callbacks):
    order = paid_order(quantity=2)
    first = order.tickets.order_by("pk").first()
    client.force_login(order.buyer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url(order), {"tickets": [first.pk], "expected_refund": "20.00"})

    assert response.status_code == 302 and response.url == reverse("tickets:order_detail", args=[order.code])
    page = client.get(response.url)
    body = page.content.decode()
    assert "1 ticket cancelled. 20.00 EUR is being refunded to your card." in body
    assert "Partially refunded" in body and "Refunds" in body and "Refunded" in body
    assert Ticket.objects.get(pk=first.pk).status == Ticket.Status.REFUNDED


def test_a_changed_amount_shows_the_new_refund_instead_of_cancelling(client):
    order = paid_order(ticket_type=ticket_type_for(refundable_event(starts_in=timedelta(days=3))), quantity=1)
    client.force_login(order.buyer)

    response = client.post(cancel_url(order), {"tickets": [order.tickets.get().pk], "expected_refund": "20.00"})

    assert response.status_code == 409
    assert "The refund is now 10.00" in response.content.decode()
    assert order.tickets.get().status == Ticket.Status.VALID


def test_confirming_with_nothing_ticked_asks_to_choose(client):
    order = paid_order(quantity=1)
    client.force_login(order.buyer)

    response = client.post(cancel_url(order), {"expected_refund": "0.00"})

    assert response.status_code == 400 and "Choose at least one ticket" in response.content.decode()


def test_a_double_submit_cancels_once(client):
    order = paid_order(quantity=2)
    first = order.tickets.order_by("pk").first()
    client.force_login(order.buyer)
    data = {"tickets": [first.pk], "expected_refund": "20.00"}

    client.post(cancel_url(order), data)
    response = client.post(cancel_url(order), data)

    assert response.status_code == 302 and Refund.objects.count() == 1


def test_an_event_without_refunds_explains_and_offers_no_form(client):
    order = paid_order(ticket_type=ticket_type_for(refundable_event(policy=[])))
    client.force_login(order.buyer)

    body = client.get(cancel_url(order)).content.decode()

    assert "This event does not offer refunds." in body and 'name="tickets"' not in body


def test_someone_elses_order_is_a_404(client):
    order = paid_order()
    client.force_login(UserFactory())

    assert client.get(cancel_url(order)).status_code == 404
    assert client.get(cancel_url(order, "_quote")).status_code == 404
    assert client.post(cancel_url(order), {"tickets": [order.tickets.first().pk]}).status_code == 404
    assert order.tickets.filter(status=Ticket.Status.VALID).count() == 2


def test_the_pages_need_a_login(client):
    order = paid_order()

    response = client.get(cancel_url(order))

    assert response.status_code == 302 and "login" in response.url


def test_the_order_page_offers_cancelling_only_while_the_policy_allows(client):
    open_order = paid_order()
    closed_order = paid_order(
        ticket_type=ticket_type_for(refundable_event(starts_in=timedelta(hours=10))), buyer=open_order.buyer
    )
    client.force_login(open_order.buyer)

    def offers_cancel(order):
        body = client.get(reverse("tickets:order_detail", args=[order.code])).content.decode()
        return cancel_url(order) in body

    assert offers_cancel(open_order) and not offers_cancel(closed_order)


def test_my_tickets_has_a_cancel_link_per_ticket(client):
    order = paid_order(quantity=1)
    client.force_login(order.buyer)

    body = client.get(reverse("tickets:my_tickets")).content.decode()

    assert f"{cancel_url(order)}?ticket={order.tickets.get().pk}" in body


# --- API ----------------------------------------------------------------------------------------------------


@pytest.fixture
def buyer_api(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def api_url(order, name="order-cancel"):
    return f"/api/v1/orders/{order.code}/" + {"order-cancel": "cancel/", "quote": "refund-quote/"}[name]


def test_the_api_quotes_the_refund_for_chosen_tickets(buyer_api):
    order = paid_order(ticket_type=ticket_type_for(refundable_event(fee="2.00")), quantity=2)
    first = order.tickets.order_by("pk").first()

    response = buyer_api(order.buyer).get(api_url(order, "quote"), {"tickets": [first.pk]})

    data = response.json()
    assert response.status_code == 200
    assert (data["cancellable"], data["percent"], data["fee"], data["refund_amount"]) == (True, 100, "2.00", "18.00")
    assert [ticket["selected"] for ticket in data["tickets"]] == [True, False]
    assert [step["percent"] for step in data["policy"]] == [100, 50]


def test_the_api_cancels_chosen_tickets_of_a_paid_order(buyer_api):
    order = paid_order(quantity=2)
    first = order.tickets.order_by("pk").first()

    response = buyer_api(order.buyer).post(
        api_url(order), {"tickets": [first.pk], "expected_refund": "20.00"}, format="json"
    )

    data = response.json()
    assert response.status_code == 200 and data["status"] == "paid"
    assert [ticket["status"] for ticket in data["tickets"]] == ["refunded", "valid"]
    assert [(refund["amount"], refund["kind"]) for refund in data["refunds"]] == [("20.00", "attendee_cancel")]


def test_the_api_cancels_a_whole_paid_order(buyer_api):
    order = paid_order(quantity=2)

    response = buyer_api(order.buyer).post(api_url(order), {}, format="json")

    assert response.status_code == 200 and response.json()["status"] == "refunded"


def test_the_api_still_abandons_an_unpaid_order(buyer_api):
    order = pending_order(ticket_type=ticket_type_for())

    response = buyer_api(order.buyer).post(api_url(order), {}, format="json")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("setup", "status", "code"),
    [
        ("no_policy", 422, "cancellation_not_allowed"),
        ("changed", 409, "refund_quote_changed"),
        ("foreign_ticket", 400, "invalid_selection"),
        ("bad_input", 400, "invalid"),
    ],
)
def test_the_api_refuses_with_a_clear_error_and_changes_nothing(buyer_api, setup, status, code):
    policy = [] if setup == "no_policy" else [{"hours_before": 1, "percent": 100}]
    order = paid_order(ticket_type=ticket_type_for(refundable_event(policy=policy)), quantity=1)
    body = {
        "no_policy": {},
        "changed": {"expected_refund": "5.00"},
        "foreign_ticket": {"tickets": [paid_order().tickets.first().pk]},
        "bad_input": {"tickets": ["x"]},
    }[setup]

    response = buyer_api(order.buyer).post(api_url(order), body, format="json")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert order.tickets.get().status == Ticket.Status.VALID and not Refund.objects.exists()


def test_the_api_answers_404_for_someone_elses_order(buyer_api):
    order = paid_order()
    client = buyer_api(UserFactory())

    assert client.post(api_url(order), {}, format="json").status_code == 404
    assert client.get(api_url(order, "quote")).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_the_api_repeats_a_cancellation_harmlessly(buyer_api):
    order = paid_order(quantity=2)
    client = buyer_api(order.buyer)
    client.post(api_url(order), {}, format="json")

    response = client.post(api_url(order), {}, format="json")

    assert response.status_code == 200 and Refund.objects.count() == 1
    assert response.json()["refunds"][0]["amount"] == str(Decimal("40.00"))
