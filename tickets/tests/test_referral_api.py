"""The referral API: checkout with a referral code, my links and rewards, and the organizer's list."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from tickets.models import Referral
from tickets.services.orders import order_mark_paid
from tickets.tests.helpers_referrals import referral_ticket_type, referred_checkout, referrer_with_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_type():
    return referral_ticket_type(price="25.00", discount=("percent", "10"), reward=("fixed", "5.00"))


@pytest.fixture
def link(ticket_type):
    return referrer_with_link(ticket_type, email="ada@example.com", name="Ada Lovelace")[1]


def api_checkout(api_client, ticket_type, buyer, **payload):
    api_client.force_authenticate(buyer)
    hold = api_client.post(
        "/api/v1/holds/",
        {"event": ticket_type.event.slug, "lines": [{"ticket_type": ticket_type.pk, "quantity": 2}]},
        format="json",
    ).json()
    return api_client.post(
        f"/api/v1/holds/{hold['id']}/checkout/", {"attendee_names": ["A", "B"], **payload}, format="json"
    )


def test_checkout_with_a_referral_code_gets_the_discount(api_client, ticket_type, link):
    response = api_checkout(api_client, ticket_type, UserFactory(), referral_code=link.code)

    body = response.json()
    assert response.status_code == 201
    assert (body["subtotal"], body["discount"], body["total"]) == ("50.00", "5.00", "45.00")
    assert Referral.objects.get(order__code=body["code"]).link == link


def test_checkout_with_ones_own_code_answers_the_error_shape(api_client, ticket_type, link):
    response = api_checkout(api_client, ticket_type, link.referrer, referral_code=link.code)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "referral_self"


def test_checkout_with_both_discounts_is_refused(api_client, ticket_type, link):
    response = api_checkout(api_client, ticket_type, UserFactory(), referral_code=link.code, promo_code="ANY")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "one_discount_only"


def test_my_referrals_lists_my_links_and_rewards_only(api_client, ticket_type, link):
    order = referred_checkout(ticket_type=ticket_type, buyer=UserFactory(), code=link.code)
    order_mark_paid(order_id=order.pk, now=timezone.now())
    referrer_with_link(referral_ticket_type())  # someone else's link elsewhere
    api_client.force_authenticate(link.referrer)

    body = api_client.get("/api/v1/referrals/").json()

    [mine] = body["links"]
    assert mine["code"] == link.code and mine["url"].endswith(f"/r/{link.code}/")
    assert (mine["conversions"], mine["discount"], mine["reward"]) == (1, "10% off", "€5.00 off")
    [reward] = body["rewards"]
    assert reward["status"] == "rewarded" and reward["usable"] and reward["value"] == "€5.00 off"


def test_a_ticket_holder_creates_their_link_through_the_api(api_client, ticket_type, link):
    api_client.force_authenticate(link.referrer)

    response = api_client.post("/api/v1/referrals/links/", {"event": ticket_type.event.slug}, format="json")

    assert response.status_code == 201 and response.json()["code"] == link.code


@pytest.mark.parametrize(
    ("event", "status", "code"), [("nope", 404, "not_found"), (None, 403, "referral_not_eligible")]
)
def test_no_link_for_unknown_events_or_without_a_ticket(api_client, ticket_type, event, status, code):
    api_client.force_authenticate(UserFactory())

    response = api_client.post("/api/v1/referrals/links/", {"event": event or str(ticket_type.event_id)}, format="json")

    assert response.status_code == status and response.json()["error"]["code"] == code


def test_the_organizer_lists_the_events_referred_orders(api_client, ticket_type, link):
    order = referred_checkout(ticket_type=ticket_type, buyer=UserFactory(email="cy@example.com"), code=link.code)
    order_mark_paid(order_id=order.pk, now=timezone.now())
    api_client.force_authenticate(ticket_type.event.organizer)

    body = api_client.get(f"/api/v1/organizer/events/{ticket_type.event_id}/referrals/").json()

    [row] = body["results"]
    assert row["order"] == order.code and row["referrer"]["email"] == "ada@example.com"
    assert row["buyer"]["email"] == "cy@example.com" and row["status"] == "rewarded"
    assert Decimal(row["discount"]) == Decimal("5.00") and row["reward_code"]


@pytest.mark.parametrize(("who", "status"), [("another_organizer", 404), ("attendee", 403), ("anonymous", 401)])
def test_the_organizer_list_is_only_for_the_events_organizer(api_client, ticket_type, who, status):
    if who != "anonymous":
        api_client.force_authenticate(UserFactory(organizer=True) if who == "another_organizer" else UserFactory())

    response = api_client.get(f"/api/v1/organizer/events/{ticket_type.event_id}/referrals/")

    assert response.status_code == status
