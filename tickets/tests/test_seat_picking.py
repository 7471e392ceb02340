"""Choosing seats on the map through the browser's plain form: GET the picker, POST the ticked seats."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Event, Seat, TicketType
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Hold, Order, SeatReservation
from tickets.services.holds import LineRequest, hold_create
from tickets.tests.factories import order_booked, seated_event, seats_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(client):
    user = UserFactory(name="Pia Buyer")
    client.force_login(user)
    return user


@pytest.fixture
def theatre():
    """Two price zones: Stalls €40 and Balcony €25, two rows of four seats each."""
    return seated_event(zones=[("Stalls", "40.00"), ("Balcony", "25.00")])


def picker(event: Event) -> str:
    return reverse("tickets:seat_pick", args=[event.slug])


def remove_seat(seat_id: int) -> None:
    """The organizer marks a seat removed (an aisle); set directly, the seat-map service is not under test."""
    Seat.objects.filter(pk=seat_id).update(is_removed=True)


def checkbox(body: str, seat_id: int) -> str:
    match = re.search(rf'<input class="seat__check" type="checkbox" name="seat" value="{seat_id}"[^>]*>', body)
    return match.group(0) if match else ""


# --- the page ----------------------------------------------------------------------------------------


def test_event_page_links_to_the_seat_picker_for_seated_events_only(client, buyer, theatre):
    event, _ = theatre
    unseated = TicketTypeFactory().event

    seated_body = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    unseated_body = client.get(reverse("events:detail", args=[unseated.slug])).content.decode()

    assert picker(event) in seated_body and "Choose your seats" in seated_body
    assert picker(unseated) not in unseated_body


def test_every_available_seat_is_a_labelled_checkbox_with_zone_prices(client, buyer, theatre):
    event, (stalls, balcony) = theatre

    response = client.get(picker(event))

    body = response.content.decode()
    assert response.status_code == 200
    for seat_id in seats_of(stalls) + seats_of(balcony):
        box = checkbox(body, seat_id)
        assert box and "disabled" not in box and 'aria-label="Row ' in box
    assert 'aria-label="Row A seat 1, Stalls section, €40.00"' in body
    assert "€25.00" in body and "Balcony" in body
    assert 'method="post"' in body and "csrfmiddlewaretoken" in body


def test_taken_seats_are_disabled_and_removed_seats_are_gaps(client, buyer, theatre):
    event, (stalls, _) = theatre
    held, removed, *_ = seats_of(stalls)
    hold_create(buyer=UserFactory(), event=event, lines=[LineRequest(stalls.pk, 0, (held,))], now=timezone.now())
    remove_seat(removed)

    body = client.get(picker(event)).content.decode()

    assert " disabled" in checkbox(body, held) and "taken" in checkbox(body, held)
    assert checkbox(body, removed) == ""


def test_seats_of_a_zone_that_is_not_on_sale_are_disabled(client, buyer, theatre):
    event, (stalls, balcony) = theatre
    TicketType.objects.filter(pk=balcony.pk).update(sales_end=timezone.now() - timedelta(minutes=1))

    body = client.get(picker(event)).content.decode()

    assert "disabled" not in checkbox(body, seats_of(stalls)[0])
    assert " disabled" in checkbox(body, seats_of(balcony)[0])
    assert "not on sale" in body


def test_anonymous_visitors_are_sent_to_login(client, theatre):
    event, _ = theatre

    response = client.get(picker(event))

    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_events_without_a_seat_map_or_not_public_answer_404(client, buyer):
    unseated = TicketTypeFactory().event
    draft = EventFactory(draft=True)

    assert client.get(picker(unseated)).status_code == 404
    assert client.get(picker(draft)).status_code == 404


def test_events_not_on_sale_send_the_buyer_back_to_the_event_page(client, buyer, theatre):
    event, _ = theatre
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)

    response = client.get(picker(event))

    assert response.status_code == 302 and response.url == reverse("events:detail", args=[event.slug])


# --- choosing ----------------------------------------------------------------------------------------


def test_chosen_seats_are_held_by_zone_and_checkout_opens(client, buyer, theatre):
    event, (stalls, balcony) = theatre
    chosen = [seats_of(stalls)[1], seats_of(stalls)[2], seats_of(balcony)[0]]

    response = client.post(picker(event), {"seat": chosen})

    hold = Hold.objects.get()
    lines = {line.ticket_type_id: (line.quantity, line.unit_price) for line in hold.lines.all()}
    assert response.status_code == 302 and response.url == reverse("tickets:checkout", args=[hold.public_id])
    assert hold.buyer == buyer and hold.total == Decimal("105.00")
    assert lines == {stalls.pk: (2, Decimal("40.00")), balcony.pk: (1, Decimal("25.00"))}
    assert set(SeatReservation.objects.filter(hold=hold).values_list("seat_id", flat=True)) == set(chosen)
    assert TicketType.objects.get(pk=stalls.pk).held == 2


def test_chosen_seats_end_up_on_the_tickets(client, buyer, theatre):
    event, (stalls, _) = theatre
    chosen = seats_of(stalls)[:2]
    checkout_url = client.post(picker(event), {"seat": chosen}).url

    client.post(checkout_url, {"name_0": "Pia Buyer", "name_1": "Rob Friend"})

    order = Order.objects.get()
    assert sorted(order.tickets.values_list("seat_id", flat=True)) == sorted(chosen)


def test_a_seat_taken_meanwhile_is_refused_and_nothing_is_held(client, buyer, theatre):
    event, (stalls, _) = theatre
    free, taken, *_ = seats_of(stalls)
    order_booked(ticket_type=stalls, seat_ids=[taken])
    holds_before = Hold.objects.count()

    response = client.post(picker(event), {"seat": [free, taken]})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was reserved." in body and 'role="alert"' in body
    assert Hold.objects.count() == holds_before
    assert not SeatReservation.objects.filter(seat_id=free).exists()
    assert " checked" in checkbox(body, free)  # the buyer's other choice is kept ticked
    assert " disabled" in checkbox(body, taken)


def test_a_seat_held_meanwhile_is_refused(client, buyer, theatre):
    event, (stalls, _) = theatre
    seat = seats_of(stalls)[0]
    hold_create(buyer=UserFactory(), event=event, lines=[LineRequest(stalls.pk, 0, (seat,))], now=timezone.now())

    response = client.post(picker(event), {"seat": [seat]})

    assert response.status_code == 200
    assert "was just taken" in response.content.decode()
    assert not Hold.objects.filter(buyer=buyer).exists()


def test_a_removed_seat_is_refused(client, buyer, theatre):
    event, (stalls, _) = theatre
    removed = seats_of(stalls)[0]
    remove_seat(removed)

    response = client.post(picker(event), {"seat": [removed]})

    assert response.status_code == 200 and "Nothing was reserved." in response.content.decode()
    assert not Hold.objects.exists()


def test_choosing_no_seat_explains(client, buyer, theatre):
    event, _ = theatre

    response = client.post(picker(event), {})

    assert response.status_code == 200
    assert "Choose at least one seat on the map." in response.content.decode()
    assert not Hold.objects.exists()


def test_more_seats_than_one_order_allows_are_refused(client, buyer, theatre):
    event, (stalls, _) = theatre
    Event.objects.filter(pk=event.pk).update(max_tickets_per_order=2)

    response = client.post(picker(event), {"seat": seats_of(stalls)[:3]})

    assert response.status_code == 200
    assert "up to 2 seats per order" in response.content.decode()
    assert not Hold.objects.exists()


def test_more_seats_than_the_zone_allows_per_order_are_refused(client, buyer, theatre):
    event, (stalls, _) = theatre
    TicketType.objects.filter(pk=stalls.pk).update(max_per_order=1)

    response = client.post(picker(event), {"seat": seats_of(stalls)[:2]})

    assert response.status_code == 200 and "choose between 1 and 1" in response.content.decode()
    assert not Hold.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "1 OR 1=1"])
def test_tampered_seat_values_are_refused(client, buyer, theatre, value):
    event, _ = theatre

    response = client.post(picker(event), {"seat": [value]})

    assert response.status_code == 200 and "cannot be booked" in response.content.decode()
    assert not Hold.objects.exists()


def test_a_seat_of_another_event_is_refused(client, buyer, theatre):
    event, _ = theatre
    _other_event, (other_zone,) = seated_event()

    response = client.post(picker(event), {"seat": [seats_of(other_zone)[0]]})

    assert response.status_code == 200 and "cannot be booked" in response.content.decode()
    assert not Hold.objects.exists()


def test_an_expired_hold_frees_its_seats_for_the_next_buyer(client, buyer, theatre):
    event, (stalls, _) = theatre
    seat = seats_of(stalls)[0]
    long_ago = timezone.now() - timedelta(hours=1)
    hold_create(buyer=UserFactory(), event=event, lines=[LineRequest(stalls.pk, 0, (seat,))], now=long_ago)

    page = client.get(picker(event)).content.decode()
    response = client.post(picker(event), {"seat": [seat]})

    assert "disabled" not in checkbox(page, seat)
    assert response.status_code == 302
    assert SeatReservation.objects.get(seat_id=seat).hold.buyer == buyer


def test_the_picker_has_its_script_and_no_inline_code(client, buyer, theatre):
    event, _ = theatre

    body = client.get(picker(event)).content.decode()

    assert "tickets/js/seat-picker.js" in body
    assert " style=" not in body and "<script>" not in body and " onclick=" not in body


def test_the_picker_query_count_does_not_grow_with_the_map(client, buyer):
    def queries_with(rows: int, seats_per_row: int) -> int:
        event, (stalls, _balcony) = seated_event(
            zones=[("Stalls", "40.00"), ("Balcony", "25.00")], rows=rows, seats_per_row=seats_per_row
        )
        order_booked(ticket_type=stalls, seat_ids=seats_of(stalls)[:1])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(picker(event)).status_code == 200
        return len(queries)

    assert queries_with(1, 2) == queries_with(12, 30)
