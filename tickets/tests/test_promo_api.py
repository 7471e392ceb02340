"""Promo codes through the API: the organizer's endpoints (scoped, validated, audited) and buying with a code."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Order, PromoCode
from tickets.tests.factories import PromoCodeFactory, order_booked

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer_client(api_client):
    organizer = UserFactory(organizer=True)
    api_client.force_authenticate(organizer)
    api_client.user = organizer
    return api_client


@pytest.fixture
def event(organizer_client):
    return EventFactory(organizer=organizer_client.user)


def list_url(event) -> str:
    return f"/api/v1/organizer/events/{event.pk}/promo-codes/"


def detail_url(promo) -> str:
    return f"/api/v1/organizer/promo-codes/{promo.pk}/"


# --- organizer ----------------------------------------------------------------------------------------------


def test_organizer_creates_a_code_restricted_to_a_ticket_type(organizer_client, event):
    vip = TicketTypeFactory(event=event)

    response = organizer_client.post(
        list_url(event),
        {"code": "vip20", "kind": "percent", "value": "20", "max_uses": 100, "ticket_types": [vip.pk]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["code"], body["value"], body["uses"], body["ticket_types"]) == ("VIP20", "20.00", 0, [vip.pk])
    assert AuditLogEntry.objects.filter(action="promo_code.created", actor=organizer_client.user).exists()


def test_organizer_lists_codes_with_their_performance(organizer_client, event, django_assert_max_num_queries):
    ticket_type = TicketTypeFactory(event=event, price=Decimal("50.00"))
    PromoCodeFactory(event=event, code="HALF", value=Decimal("50"))
    PromoCodeFactory.create_batch(5, event=event)
    order_booked(ticket_type=ticket_type, promo_code="HALF")

    with django_assert_max_num_queries(8):
        response = organizer_client.get(list_url(event))

    results = response.json()["results"]
    half = next(row for row in results if row["code"] == "HALF")
    assert len(results) == 6
    assert (half["uses"], half["orders_paid"], half["discount_given"], half["revenue"]) == (1, 1, "25.00", "25.00")


def test_organizer_generates_a_batch_of_single_use_codes(organizer_client, event):
    response = organizer_client.post(
        f"{list_url(event)}generate/", {"count": 3, "prefix": "vip-", "kind": "fixed", "value": "5"}, format="json"
    )

    assert response.status_code == 201
    codes = [row["code"] for row in response.json()]
    assert len(set(codes)) == 3 and all(code.startswith("VIP-") for code in codes)
    assert set(PromoCode.objects.values_list("max_uses", flat=True)) == {1}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "percent", "value": "150"}, "value"),
        ({"kind": "percent", "value": "0"}, "value"),
        ({"kind": "bogus", "value": "5"}, "kind"),
        ({"kind": "fixed", "value": "5", "code": "has space"}, "code"),
        ({"kind": "fixed", "value": "5", "uses": 3}, "uses"),
        ({"kind": "fixed", "value": "5", "max_uses": 0}, "max_uses"),
    ],
)
def test_bad_input_is_refused_per_field_and_creates_nothing(organizer_client, event, payload, field):
    response = organizer_client.post(list_url(event), payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not PromoCode.objects.exists()


def test_a_ticket_type_of_another_event_is_refused(organizer_client, event):
    response = organizer_client.post(
        list_url(event), {"kind": "fixed", "value": "5", "ticket_types": [TicketTypeFactory().pk]}, format="json"
    )

    assert response.status_code == 400
    assert "ticket_types" in response.json()["error"]["fields"]


def test_a_duplicate_code_is_refused_whatever_its_case(organizer_client, event):
    PromoCodeFactory(event=event, code="SPRING")

    response = organizer_client.post(list_url(event), {"code": "spring", "kind": "fixed", "value": "5"}, format="json")

    assert response.status_code == 400
    assert "code" in response.json()["error"]["fields"]


def test_patch_changes_rules_and_deactivates(organizer_client, event):
    promo = PromoCodeFactory(event=event, code="EDITME", value=Decimal("10"))

    response = organizer_client.patch(detail_url(promo), {"value": "15", "is_active": False}, format="json")

    assert response.status_code == 200, response.json()
    promo.refresh_from_db()
    assert (promo.value, promo.is_active) == (Decimal("15"), False)


def test_patch_cannot_lower_max_uses_below_uses(organizer_client, event):
    promo = PromoCodeFactory(event=event, uses=4, max_uses=10)

    response = organizer_client.patch(detail_url(promo), {"max_uses": 2}, format="json")

    assert response.status_code == 400
    assert "max_uses" in response.json()["error"]["fields"]


def test_referral_rewards_cannot_be_edited(organizer_client, event):
    promo = PromoCodeFactory(event=event, source=PromoCode.Source.REFERRAL_REWARD, owner=UserFactory())

    response = organizer_client.patch(detail_url(promo), {"value": "90"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "promo_not_editable"


def test_delete_removes_an_unused_code_and_retires_a_used_one(organizer_client, event):
    ticket_type = TicketTypeFactory(event=event)
    unused = PromoCodeFactory(event=event)
    used = PromoCodeFactory(event=event, code="USED")
    order_booked(ticket_type=ticket_type, promo_code="USED")

    assert organizer_client.delete(detail_url(unused)).status_code == 204
    assert organizer_client.delete(detail_url(used)).status_code == 204

    assert not PromoCode.objects.filter(pk=unused.pk).exists()
    assert PromoCode.objects.get(pk=used.pk).is_active is False


def test_another_organizers_event_and_code_answer_404(organizer_client):
    other_event = EventFactory()
    promo = PromoCodeFactory(event=other_event)

    assert organizer_client.get(list_url(other_event)).status_code == 404
    assert (
        organizer_client.post(list_url(other_event), {"kind": "fixed", "value": "5"}, format="json").status_code == 404
    )
    assert organizer_client.get(detail_url(promo)).status_code == 404
    assert organizer_client.patch(detail_url(promo), {"value": "1"}, format="json").status_code == 404
    assert organizer_client.delete(detail_url(promo)).status_code == 404
    assert PromoCode.objects.get(pk=promo.pk).value == Decimal("10")


def test_attendees_are_refused_with_403(api_client):
    api_client.force_authenticate(UserFactory())

    response = api_client.get(list_url(EventFactory()))

    assert response.status_code == 403


def test_anonymous_visitors_get_401(api_client):
    assert api_client.get(list_url(EventFactory())).status_code == 401


def test_admins_manage_any_events_codes(api_client):
    api_client.force_authenticate(UserFactory(admin=True))
    promo = PromoCodeFactory()

    assert api_client.get(detail_url(promo)).status_code == 200


# --- buying -------------------------------------------------------------------------------------------------


@pytest.fixture
def buyer_client(api_client):
    buyer = UserFactory()
    api_client.force_authenticate(buyer)
    return api_client


def hold_id(client, ticket_type, quantity=2) -> str:
    response = client.post(
        "/api/v1/holds/",
        {"event": ticket_type.event.slug, "lines": [{"ticket_type": ticket_type.pk, "quantity": quantity}]},
        format="json",
    )
    return response.json()["id"]


def test_checkout_with_a_promo_code_gives_a_discounted_order(buyer_client):
    ticket_type = TicketTypeFactory(price=Decimal("25.00"))
    PromoCodeFactory(event=ticket_type.event, code="TEN", kind="fixed", value=Decimal("10"))
    hold = hold_id(buyer_client, ticket_type)

    response = buyer_client.post(
        f"/api/v1/holds/{hold}/checkout/", {"attendee_names": ["A", "B"], "promo_code": "ten"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["subtotal"], body["discount"], body["total"]) == ("50.00", "10.00", "40.00")
    assert body["discount_label"] == "Promo code TEN"
    assert sorted(ticket["price"] for ticket in body["tickets"]) == ["20.00", "20.00"]


@pytest.mark.parametrize(
    ("promo", "error"),
    [
        ({"code": "OTHER"}, "promo_not_found"),
        ({"code": "X", "is_active": False}, "promo_inactive"),
        ({"code": "X", "max_uses": 1, "uses": 1}, "promo_used_up"),
        ({"code": "X", "valid_until": timezone.now() - timedelta(days=1)}, "promo_expired"),
        ({"code": "X", "valid_from": timezone.now() + timedelta(days=1)}, "promo_not_started"),
    ],
)
def test_checkout_with_a_refused_code_explains_at_the_field_and_orders_nothing(buyer_client, promo, error):
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, **promo)
    hold = hold_id(buyer_client, ticket_type)

    response = buyer_client.post(
        f"/api/v1/holds/{hold}/checkout/", {"attendee_names": ["A", "B"], "promo_code": "X"}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == error
    assert response.json()["error"]["fields"]["promo_code"]
    assert not Order.objects.exists()


def test_preview_shows_the_discount_without_using_the_code(buyer_client):
    ticket_type = TicketTypeFactory(price=Decimal("30.00"))
    promo = PromoCodeFactory(event=ticket_type.event, code="THIRD", value=Decimal("33.33"), max_uses=1)
    hold = hold_id(buyer_client, ticket_type, quantity=1)

    response = buyer_client.post(f"/api/v1/holds/{hold}/promo-preview/", {"promo_code": "third"}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "promo_code": "THIRD",
        "label": "Promo code THIRD",
        "subtotal": "30.00",
        "discount": "10.00",
        "total": "20.00",
        "currency": "EUR",
        "ticket_types": [ticket_type.pk],
    }
    assert PromoCode.objects.get(pk=promo.pk).uses == 0


def test_preview_of_another_buyers_hold_answers_404(buyer_client, api_client):
    ticket_type = TicketTypeFactory()
    PromoCodeFactory(event=ticket_type.event, code="ANY")
    hold = hold_id(buyer_client, ticket_type)
    buyer_client.force_authenticate(UserFactory())

    response = buyer_client.post(f"/api/v1/holds/{hold}/promo-preview/", {"promo_code": "ANY"}, format="json")

    assert response.status_code == 404


def test_event_detail_with_an_unlocking_promo_code_shows_hidden_types(api_client):
    event = EventFactory()
    TicketTypeFactory(event=event, name="Crew", is_hidden=True, unlock_code="CREW-ONLY")
    PromoCodeFactory(event=event, code="BACKSTAGE", unlocks_hidden=True)

    without = api_client.get(f"/api/v1/events/{event.slug}/").json()
    with_code = api_client.get(f"/api/v1/events/{event.slug}/?code=backstage").json()

    assert "Crew" not in str(without)
    assert "Crew" in str(with_code)
