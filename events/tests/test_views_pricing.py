"""Dynamic pricing through the URLs: the organizer's form, live preview and price history; the public event
page and API; the organizer API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import PriceChange, TicketType
from events.tests.factories import EventFactory, TicketTypeFactory
from events.tests.helpers_api_organizer import error_fields, event_url, ticket_type_url
from events.tests.helpers_organizer_pages import ticket_type_post, url
from events.tests.helpers_public_pages import detail_url

pytestmark = pytest.mark.django_db

STEP_AT_HALF = [{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10.00"}]


def rule_rows(*rows: dict, extra: int = 1) -> dict:
    """The rule formset's POST data: ``rows`` filled in, then ``extra`` empty rows."""
    data = {"rule-TOTAL_FORMS": str(len(rows) + extra), "rule-INITIAL_FORMS": "0", "rule-MAX_NUM_FORMS": "10"}
    for index, row in enumerate([*rows, *([{}] * extra)]):
        for name in ("kind", "threshold", "until", "adjust", "value"):
            data[f"rule-{index}-{name}"] = row.get(name, "percent" if name == "adjust" else "")
    return data


def dynamic_post(*rows: dict, **overrides) -> dict:
    fields = {"price": "40.00", "dynamic_pricing": "on", "price_floor": "30", "price_ceiling": "80"}
    return {**ticket_type_post(**fields), **rule_rows(*rows), **overrides}


def dynamic_type(event, **overrides) -> TicketType:
    values = {
        "price": Decimal("40.00"), "capacity": 100, "dynamic_pricing": True, "price_floor": Decimal("30.00"),
        "price_ceiling": Decimal("80.00"), "pricing_rules": STEP_AT_HALF,
    }  # fmt: skip
    return TicketTypeFactory(event=event, **{**values, **overrides})


@pytest.fixture
def signed_in(client, organizer):
    client.force_login(organizer)
    return client


# --- the organizer's ticket type form ------------------------------------------------------------------------


def test_creating_a_ticket_type_with_rules_saves_them_and_records_the_first_price(signed_in, organizer):
    event = EventFactory(organizer=organizer, timezone="Europe/Berlin")
    until = {"kind": "early_bird", "until": "2031-01-10T09:00", "adjust": "amount", "value": "-5"}
    data = dynamic_post({"kind": "sell_through", "threshold": "50", "value": "10"}, until)
    event.starts_at = timezone.make_aware(timezone.datetime(2031, 6, 12, 19, 30))
    event.ends_at = event.starts_at + timedelta(hours=3)
    event.save()

    response = signed_in.post(url("ticket_type_create", event.pk), data)

    assert response.status_code == 302, response.context["ticket_type_form"].errors
    ticket_type = TicketType.objects.get()
    assert ticket_type.dynamic_pricing and ticket_type.price_ceiling == Decimal("80.00")
    assert ticket_type.pricing_rules == [
        *STEP_AT_HALF,
        {"kind": "early_bird", "adjust": "amount", "value": "-5.00", "until": "2031-01-10T08:00:00+00:00"},
    ]
    assert PriceChange.objects.get().price == Decimal("35.00")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rule-0-threshold": "150"}, "from 1 to 100"),
        ({"rule-0-value": ""}, "Give the change as a number"),
        ({"rule-0-value": "0"}, "A change of 0 does nothing"),
        ({"rule-0-kind": "early_bird"}, "with a time zone"),
    ],
)
def test_a_bad_rule_row_is_shown_next_to_the_row_and_nothing_is_saved(signed_in, organizer, overrides, message):
    event = EventFactory(organizer=organizer)
    data = {**dynamic_post({"kind": "sell_through", "threshold": "50", "value": "10"}), **overrides}

    response = signed_in.post(url("ticket_type_create", event.pk), data)

    assert response.status_code == 200 and not TicketType.objects.exists()
    assert message in response.content.decode()
    assert 'class="rule-row__errors' in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price_floor": "45"}, "price_floor", "cannot be above the base price"),
        ({"price_ceiling": ""}, "price_ceiling", "Required with dynamic pricing."),
        ({"price": "39.99"}, "price", "use a round price"),
    ],
)
def test_inconsistent_limits_are_shown_next_to_their_field(signed_in, organizer, overrides, field, message):
    event = EventFactory(organizer=organizer)

    response = signed_in.post(url("ticket_type_create", event.pk), dynamic_post(**overrides))

    assert message in " ".join(response.context["ticket_type_form"].errors[field])
    assert not TicketType.objects.exists()


def test_an_early_bird_ending_after_the_start_is_refused_above_the_rows(signed_in, organizer):
    event = EventFactory(organizer=organizer, timezone="UTC")
    late = (event.starts_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = signed_in.post(
        url("ticket_type_create", event.pk), dynamic_post({"kind": "early_bird", "until": late, "value": "-5"})
    )

    assert "must end before the event starts" in response.content.decode()
    assert not TicketType.objects.exists()


def test_clearing_a_row_removes_the_rule(signed_in, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = dynamic_type(event)

    response = signed_in.post(url("ticket_type_edit", event.pk, ticket_type.pk), dynamic_post({}))

    assert response.status_code == 302
    ticket_type.refresh_from_db()
    assert ticket_type.pricing_rules == [] and ticket_type.dynamic_pricing


def test_the_edit_page_shows_the_rules_the_curve_and_the_price_history(signed_in, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = dynamic_type(event, sold=60, current_price=Decimal("44.00"))
    PriceChange.objects.create(
        ticket_type=ticket_type, price=Decimal("44.00"), previous_price=Decimal("40.00"), reason="+10% from 50% sold",
        at=timezone.now(),
    )  # fmt: skip

    body = signed_in.get(url("ticket_type_edit", event.pk, ticket_type.pk)).content.decode()

    assert 'name="rule-0-threshold" value="50"' in body and 'name="rule-0-value" value="10"' in body
    assert 'class="price-chart__line" d="M0.0' in body
    assert "from 50 sold: <strong>€44.00</strong>" in body
    assert "Price history of “" in body and "+10% from 50% sold" in body
    assert reverse("organizer:ticket_type_pricing_preview", args=[event.pk]) in body


def test_the_tickets_table_marks_dynamic_types_with_their_current_price(signed_in, organizer):
    event = EventFactory(organizer=organizer)
    dynamic_type(event, current_price=Decimal("44.00"))

    body = signed_in.get(url("event_tickets", event.pk)).content.decode()

    assert "€44.00" in body and "Dynamic" in body and "base €40.00" in body


# --- the live preview ----------------------------------------------------------------------------------------


def test_the_preview_draws_the_unsaved_rules(signed_in, organizer):
    event = EventFactory(organizer=organizer)
    data = dynamic_post({"kind": "sell_through", "threshold": "50", "value": "10"}, capacity="200")

    response = signed_in.post(url("ticket_type_pricing_preview", event.pk), data, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200 and 'id="pricing-preview"' in body
    assert "from 0 sold: <strong>€40.00</strong>" in body and "from 100 sold: <strong>€44.00</strong>" in body
    assert '<path class="price-chart__line" d="M0.0' in body
    assert not TicketType.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price": "abc"}, "Enter the base price and the capacity"),
        ({"capacity": ""}, "Enter the base price and the capacity"),
        ({"rule-0-threshold": "-4", "rule-TOTAL_FORMS": "1"}, "Add a rule to see how the price moves."),
        ({"rule-TOTAL_FORMS": "x"}, "Add a rule to see how the price moves."),
    ],
)
def test_the_preview_of_half_filled_input_says_what_it_needs(signed_in, organizer, overrides, message):
    event = EventFactory(organizer=organizer)
    data = {**dynamic_post({"kind": "sell_through", "threshold": "50", "value": "10"}), **overrides}

    response = signed_in.post(url("ticket_type_pricing_preview", event.pk), data)

    assert response.status_code == 200 and message in response.content.decode()


def test_the_preview_uses_what_an_edited_type_has_sold(signed_in, organizer):
    event = EventFactory(organizer=organizer)
    ticket_type = dynamic_type(event, sold=30)
    preview_url = url("ticket_type_pricing_preview", event.pk) + f"?ticket_type={ticket_type.pk}"

    body = signed_in.post(preview_url, dynamic_post({"kind": "sell_through", "threshold": "50", "value": "10"})).content

    assert "Price over time (with 30 sold)" in body.decode()


def test_the_preview_is_for_the_events_organizer_only(client, organizer, other_organizer):
    event = EventFactory(organizer=organizer)
    preview = url("ticket_type_pricing_preview", event.pk)
    data = dynamic_post({"kind": "sell_through", "threshold": "50", "value": "10"})

    anonymous = client.post(preview, data)
    client.force_login(other_organizer)
    stranger = client.post(preview, data)
    client.force_login(UserFactory())
    attendee = client.post(preview, data)

    assert anonymous.status_code == 302 and "login" in anonymous.url
    assert (stranger.status_code, attendee.status_code) == (404, 404)


def test_the_preview_refuses_another_organizers_ticket_type(signed_in, organizer, other_organizer):
    event = EventFactory(organizer=organizer)
    theirs = dynamic_type(EventFactory(organizer=other_organizer))

    response = signed_in.post(url("ticket_type_pricing_preview", event.pk) + f"?ticket_type={theirs.pk}", {})

    assert response.status_code == 404


# --- the public event page and API ---------------------------------------------------------------------------


def test_the_event_page_shows_the_price_now_and_what_moves_it(client):
    ticket_type = dynamic_type(EventFactory(), sold=38)

    body = client.get(detail_url(ticket_type.event)).content.decode()

    assert "€40.00" in body and "Price rises to €44.00 after 12 more tickets" in body


def test_the_event_page_of_dynamic_types_keeps_its_query_budget(client, django_assert_max_num_queries):
    event = EventFactory()
    demand = [*STEP_AT_HALF, {"kind": "demand", "threshold": 5, "adjust": "percent", "value": "5"}]
    for _ in range(6):
        dynamic_type(event, pricing_rules=demand)
    client.force_login(UserFactory())

    # session, user, event, ticket types, recent sales (one query for all types), wishlisted?, seat map
    with django_assert_max_num_queries(7):
        response = client.get(detail_url(event))

    assert response.status_code == 200


def test_the_public_api_tells_the_price_now_and_the_next_change(api_client):
    ticket_type = dynamic_type(EventFactory(), sold=38)

    body = api_client.get(reverse("api-event-detail", args=[ticket_type.event.slug])).json()

    offer = body["ticket_types"][0]
    assert (offer["price_now"], offer["dynamic_pricing"]) == ("40.00", True)
    assert offer["next_change"] == {
        "price": "44.00", "after_tickets": 12, "at": None, "message": "Price rises to €44.00 after 12 more tickets",
    }  # fmt: skip


def test_the_listing_shows_the_last_recorded_dynamic_price(client):
    event = EventFactory()
    dynamic_type(event, current_price=Decimal("44.00"))

    body = client.get(reverse("api-event-list")).json()

    assert body["results"][0]["price_from"] == "44.00"


# --- the organizer API ---------------------------------------------------------------------------------------


def test_the_api_creates_a_dynamic_ticket_type_with_rules(api, organizer):
    event = EventFactory(organizer=organizer)
    payload = {
        "name": "Flex", "price": "40.00", "capacity": 100, "dynamic_pricing": True, "price_floor": "30",
        "price_ceiling": "80", "pricing_rules": [{"kind": "sell_through", "threshold": 50, "adjust": "percent",
                                                  "value": 10}],
    }  # fmt: skip

    response = api.post(event_url(event, "api-organizer-ticket-type-list"), payload, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["pricing_rules"], body["current_price"], body["price_floor"]) == (STEP_AT_HALF, "40.00", "30.00")


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"pricing_rules": [{"kind": "sell_through", "threshold": 0, "adjust": "percent", "value": 10}]},
         "pricing_rules", "Rule 1: Give the percentage sold"),
        ({"pricing_rules": {"kind": "sell_through"}}, "pricing_rules", "must be a list"),
        ({"price_floor": "50"}, "price_floor", "cannot be above the base price"),
        ({"price_ceiling": None}, "price_ceiling", "Required with dynamic pricing."),
        ({"price": "40.10"}, "price", "use a round price"),
        ({"pricing_rules": [{"kind": "early_bird", "until": "2099-01-01T00:00:00Z", "adjust": "percent",
                             "value": -10}]}, "pricing_rules", "must end before the event starts"),
    ],
)  # fmt: skip
def test_the_api_refuses_bad_dynamic_pricing_with_the_field_named(api, organizer, payload, field, message):
    ticket_type = dynamic_type(EventFactory(organizer=organizer))

    response = api.patch(ticket_type_url(ticket_type), payload, format="json")

    assert response.status_code == 400
    assert message in " ".join(error_fields(response)[field])
    ticket_type.refresh_from_db()
    assert ticket_type.pricing_rules == STEP_AT_HALF and ticket_type.price == Decimal("40.00")


def test_the_api_turning_dynamic_pricing_on_needs_the_limits(api, organizer):
    ticket_type = TicketTypeFactory(event=EventFactory(organizer=organizer), price=Decimal("40.00"))

    response = api.patch(ticket_type_url(ticket_type), {"dynamic_pricing": True}, format="json")

    assert response.status_code == 400
    assert set(error_fields(response)) == {"price_floor", "price_ceiling"}
