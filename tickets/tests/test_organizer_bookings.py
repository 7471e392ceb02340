"""The organizer's bookings pages and CSV exports, through their URLs."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.exports import csv_cell
from tickets.models import Order, Ticket
from tickets.tests.factories import order_booked, seated_event, seats_of

pytestmark = pytest.mark.django_db

PAGES = ["bookings:orders", "bookings:attendees", "bookings:orders_csv", "bookings:attendees_csv"]


@pytest.fixture
def ticket_type():
    return TicketTypeFactory(price=Decimal("20.00"), capacity=500, event__currency="EUR")


@pytest.fixture
def organizer_client(client, ticket_type):
    client.force_login(ticket_type.event.organizer)
    return client


def url(name, event, **query):
    path = reverse(name, args=[event.pk])
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def listed(response) -> list:
    return response.context["rows"]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# --- access ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["another_organizer", "attendee"])
def test_bookings_of_someone_elses_event_answer_404(client, ticket_type, name, who):
    user = UserFactory(organizer=True) if who == "another_organizer" else UserFactory()
    order_booked(ticket_type=ticket_type)
    client.force_login(user)

    response = client.get(url(name, ticket_type.event))

    assert response.status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_login(client, ticket_type, name):
    response = client.get(url(name, ticket_type.event))

    assert response.status_code == 302 and reverse("accounts:login") in response.url


@pytest.mark.parametrize("name", PAGES)
def test_admins_see_the_bookings_of_any_event(client, ticket_type, name):
    order_booked(ticket_type=ticket_type)
    client.force_login(UserFactory(admin=True))

    response = client.get(url(name, ticket_type.event))

    assert response.status_code == 200


def test_the_event_pages_have_a_bookings_tab(organizer_client, ticket_type):
    event = ticket_type.event

    body = organizer_client.get(reverse("organizer:event_detail", args=[event.pk])).content.decode()

    assert url("bookings:orders", event) in body


# --- orders ------------------------------------------------------------------------------------------


def test_orders_list_shows_code_buyer_status_tickets_and_total(organizer_client, ticket_type):
    buyer = UserFactory(name="Bea Buyer", email="bea@example.com")
    order = order_booked(ticket_type=ticket_type, buyer=buyer, names=["Bea Buyer", "Carl Guest"])

    response = organizer_client.get(url("bookings:orders", ticket_type.event))

    body = response.content.decode()
    assert [row.code for row in listed(response)] == [order.code]
    assert listed(response)[0].tickets_count == 2
    assert all(text in body for text in [order.code, "Bea Buyer", "bea@example.com", "Paid", "€40.00"])


def test_orders_of_other_events_are_not_listed(organizer_client, ticket_type):
    order_booked(ticket_type=TicketTypeFactory(event=EventFactory(organizer=ticket_type.event.organizer)))

    response = organizer_client.get(url("bookings:orders", ticket_type.event))

    assert listed(response) == []


@pytest.mark.parametrize("term", ["code", "email", "buyer_name", "attendee_name", "serial"])
def test_orders_are_found_by_code_email_names_and_serial(organizer_client, ticket_type, term):
    buyer = UserFactory(name="Dora Marsh", email="dora.marsh@example.com")
    order = order_booked(ticket_type=ticket_type, buyer=buyer, names=["Dora Marsh", "Quentin Blake"])
    order_booked(ticket_type=ticket_type, names=["Someone Else"])
    serial = order.tickets.order_by("id").last().serial
    search = {
        "code": order.code.lower(),
        "email": "DORA.MARSH@",
        "buyer_name": "dora",
        "attendee_name": "quentin",
        "serial": serial,
    }[term]

    response = organizer_client.get(url("bookings:orders", ticket_type.event, q=search))

    assert [row.code for row in listed(response)] == [order.code]


def test_orders_are_filtered_by_status(organizer_client, ticket_type):
    paid = order_booked(ticket_type=ticket_type)
    pending = order_booked(ticket_type=ticket_type, paid=False)

    only_pending = organizer_client.get(url("bookings:orders", ticket_type.event, status="pending"))
    only_paid = organizer_client.get(url("bookings:orders", ticket_type.event, status="paid"))
    unknown = organizer_client.get(url("bookings:orders", ticket_type.event, status="nonsense"))

    assert [row.code for row in listed(only_pending)] == [pending.code]
    assert [row.code for row in listed(only_paid)] == [paid.code]
    assert len(listed(unknown)) == 2


def test_summary_counts_paid_orders_tickets_sold_gross_revenue_and_pending(organizer_client, ticket_type):
    order_booked(ticket_type=ticket_type, names=["A", "B"])
    order_booked(ticket_type=ticket_type, names=["C"])
    order_booked(ticket_type=ticket_type, paid=False)

    response = organizer_client.get(url("bookings:orders", ticket_type.event))

    summary = response.context["summary"]
    assert (summary["paid_orders"], summary["tickets_sold"], summary["pending_orders"]) == (2, 3, 1)
    assert summary["gross"] == Decimal("60.00")
    assert "€60.00" in response.content.decode()


def test_orders_are_paginated_by_25(organizer_client, ticket_type):
    for _ in range(27):
        order_booked(ticket_type=ticket_type)

    first = organizer_client.get(url("bookings:orders", ticket_type.event))
    second = organizer_client.get(url("bookings:orders", ticket_type.event, page=2))

    assert len(listed(first)) == 25 and len(listed(second)) == 2
    assert not {row.pk for row in listed(first)} & {row.pk for row in listed(second)}


# --- attendees ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["serial", "attendee_name", "order_code", "email"])
def test_attendees_are_found_by_serial_name_order_code_and_email(organizer_client, ticket_type, term):
    buyer = UserFactory(email="eve.stone@example.com")
    order = order_booked(ticket_type=ticket_type, buyer=buyer, names=["Frank Moss"])
    order_booked(ticket_type=ticket_type, names=["Somebody Else"])
    ticket = order.tickets.get()
    search = {"serial": ticket.serial.lower(), "attendee_name": "moss", "order_code": order.code, "email": "eve.st"}

    response = organizer_client.get(url("bookings:attendees", ticket_type.event, q=search[term]))

    assert listed(response) == [ticket]


def test_attendees_show_type_seat_status_and_order(client):
    event, (stalls,) = seated_event()
    seat = seats_of(stalls)[0]
    order = order_booked(ticket_type=stalls, names=["Gina Hall"], seat_ids=[seat])
    client.force_login(event.organizer)

    body = client.get(url("bookings:attendees", event)).content.decode()

    ticket = order.tickets.get()
    assert all(text in body for text in [ticket.serial, "Gina Hall", stalls.name, "Stalls section · A1", order.code])


def test_attendees_are_filtered_by_ticket_status(organizer_client, ticket_type):
    valid = order_booked(ticket_type=ticket_type).tickets.get()
    unpaid = order_booked(ticket_type=ticket_type, paid=False).tickets.get()

    response = organizer_client.get(url("bookings:attendees", ticket_type.event, status=Ticket.Status.UNPAID))

    assert listed(response) == [unpaid]
    assert valid not in listed(response)


# --- query budget ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_bookings(client, name):
    def queries_with(orders: int) -> int:
        event, (stalls,) = seated_event(rows=2, seats_per_row=25)
        standing = TicketTypeFactory(event=event, capacity=500)
        seats = seats_of(stalls)
        for index in range(orders):
            ticket_type, seat_ids = (stalls, [seats[index]]) if index % 2 else (standing, [])
            order_booked(ticket_type=ticket_type, names=["Ann"], seat_ids=seat_ids, paid=index % 3 != 0)
        client.force_login(event.organizer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(name, event, q="e"))
            assert b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        return len(queries)

    few, many = queries_with(3), queries_with(50)

    assert few == many
    assert many <= 7  # session, user, event, 2 summary aggregates, count, page (CSV: session, user, event, rows)


# --- CSV ---------------------------------------------------------------------------------------------


def test_orders_csv_is_utf8_with_bom_and_one_line_per_order(organizer_client, ticket_type):
    buyer = UserFactory(name="Zoë Ångström", email="zoe@example.com")
    order = order_booked(ticket_type=ticket_type, buyer=buyer, names=["Zoë Ångström", "Guest"])

    response = organizer_client.get(url("bookings:orders_csv", ticket_type.event))

    rows = csv_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{ticket_type.event.slug}-orders.csv"'
    assert rows[0][:3] == ["Order", "Buyer name", "Buyer e-mail"]
    assert rows[1][:3] == [order.code, "Zoë Ångström", "zoe@example.com"]
    assert (rows[1][4], rows[1][5], rows[1][8], rows[1][9]) == ("Paid", "2", "40.00", "EUR")
    assert len(rows) == 2


def test_attendees_csv_has_one_line_per_ticket_with_its_seat(client):
    event, (stalls,) = seated_event()
    order = order_booked(ticket_type=stalls, names=["Hal One", "Ida Two"], seat_ids=seats_of(stalls)[:2])
    client.force_login(event.organizer)

    rows = csv_rows(client.get(url("bookings:attendees_csv", event)))

    assert rows[0][:6] == ["Serial", "Attendee", "Ticket type", "Section", "Row", "Seat"]
    assert sorted(row[1] for row in rows[1:]) == ["Hal One", "Ida Two"]
    assert {(row[3], row[4], row[9]) for row in rows[1:]} == {("Stalls section", "A", order.code)}


def test_csv_follows_the_search_and_the_filter(organizer_client, ticket_type):
    # Buyers get fixed names and addresses: a generated one could contain "jack" too.
    wanted = order_booked(
        ticket_type=ticket_type,
        buyer=UserFactory(name="Ann Lee", email="ann@example.com"),
        names=["Jack Wanted"],
        paid=False,
    )
    order_booked(ticket_type=ticket_type, buyer=UserFactory(name="Bo Yi", email="bo@example.com"), names=["Jack Paid"])
    order_booked(
        ticket_type=ticket_type,
        buyer=UserFactory(name="Kim Other", email="kim@example.com"),
        names=["Kim Other"],
        paid=False,
    )

    rows = csv_rows(organizer_client.get(url("bookings:orders_csv", ticket_type.event, q="jack", status="pending")))

    assert [row[0] for row in rows[1:]] == [wanted.code]


@pytest.mark.parametrize("name", ["bookings:orders_csv", "bookings:attendees_csv"])
def test_csv_neutralises_spreadsheet_formulas_in_names(organizer_client, ticket_type, name):
    evil = '=HYPERLINK("http://evil")'
    buyer = UserFactory(name="@SUM(1+1)")
    order_booked(ticket_type=ticket_type, buyer=buyer, names=[evil])

    response = organizer_client.get(url(name, ticket_type.event))

    cells = [cell for row in csv_rows(response)[1:] for cell in row]
    if name == "bookings:attendees_csv":
        assert "'" + evil in cells and evil not in cells
    assert "'@SUM(1+1)" in cells and "@SUM(1+1)" not in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 20 555", "'+31 20 555"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Ann = Bob", "Ann = Bob"),
        ("", ""),
        (None, ""),
        (Decimal("12.50"), "12.50"),
    ],
)
def test_csv_cell_prefixes_formula_triggers_only_at_the_start(value, expected):
    assert csv_cell(value) == expected


def test_an_empty_event_says_there_are_no_bookings_yet(organizer_client, ticket_type):
    response = organizer_client.get(url("bookings:orders", ticket_type.event))

    assert "No bookings yet" in response.content.decode()
    assert response.context["summary"]["gross"] == Decimal("0")


def test_an_order_is_counted_once_when_several_of_its_tickets_match(organizer_client, ticket_type):
    order = order_booked(ticket_type=ticket_type, names=["Lou Reed", "Lou Bega"])

    response = organizer_client.get(url("bookings:orders", ticket_type.event, q="lou"))

    assert [row.code for row in listed(response)] == [order.code]
    assert Order.objects.count() == 1
