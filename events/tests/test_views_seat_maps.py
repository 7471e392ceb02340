"""The seat map editor pages: who may see them, what each POST changes, and how bad input is answered."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import Event, Seat, SeatMap, SeatSection, TicketType
from events.services.seat_maps import SectionSpec, seat_map_generate
from events.tests.factories import EventFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer():
    return UserFactory(organizer=True)


@pytest.fixture
def event(organizer):
    return EventFactory(organizer=organizer)


@pytest.fixture
def stalls(event):
    return TicketTypeFactory(event=event, name="Stalls", price=Decimal("49.00"))


@pytest.fixture
def balcony(event):
    return TicketTypeFactory(event=event, name="Balcony", price=Decimal("29.00"))


@pytest.fixture
def seated(event, stalls, balcony):
    seat_map_generate(
        event=event,
        sections=[SectionSpec("Stalls", 10, 12, stalls), SectionSpec("Balcony", 5, 16, balcony)],
        actor=event.organizer,
        now=timezone.now(),
    )
    return event


@pytest.fixture
def owner_client(client, organizer):
    client.force_login(organizer)
    return client


def url(name, event, *args):
    return reverse(f"seat_maps:{name}", args=[event.pk, *args])


def section(event, name):
    return SeatSection.objects.get(seat_map__event=event, name=name)


def seat(event, section_name, row, number):
    return Seat.objects.get(
        row__section__seat_map__event=event, row__section__name=section_name, row__label=row, number=number
    )


def generate_data(sections, *, stage_label="Stage", **extra):
    data = {
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
        "sections-MIN_NUM_FORMS": "1",
        "sections-MAX_NUM_FORMS": "8",
        "stage_label": stage_label,
        **extra,
    }
    for index, values in enumerate(sections):
        for field, value in values.items():
            data[f"sections-{index}-{field}"] = value
    return data


def map_snapshot(event):
    """Everything a POST could change: sections, seats, capacities."""
    return (
        list(SeatSection.objects.filter(seat_map__event=event).values_list("name", "ticket_type", "position")),
        list(Seat.objects.filter(row__section__seat_map__event=event).values_list("pk", "is_removed")),
        list(TicketType.objects.filter(event=event).values_list("pk", "capacity")),
    )


# --- access ----------------------------------------------------------------------------------------


def test_editor_shows_generator_when_event_has_no_map(owner_client, event, stalls):
    response = owner_client.get(url("edit", event))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Generate a seating grid" in content and 'name="sections-0-name"' in content
    assert f'<option value="{stalls.pk}"' in content


def test_editor_draws_map_for_owner(owner_client, seated):
    response = owner_client.get(url("edit", seated))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="seat seat--available"') == 200
    assert 'aria-label="Row B seat 7, Stalls, available"' in content
    assert 'aria-pressed="false"' in content and "zone-0" in content and "€49.00" in content


def test_editor_query_count_does_not_grow_with_the_map(owner_client, seated, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):  # 8 + the seats taken by holds and tickets
        owner_client.get(url("edit", seated))


def test_editor_is_open_to_admins(client, seated):
    client.force_login(UserFactory(admin=True))

    assert client.get(url("edit", seated)).status_code == 200


def test_editor_sends_anonymous_visitors_to_sign_in(client, seated):
    response = client.get(url("edit", seated))

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_editor_is_not_found_for_attendees(client, seated):
    client.force_login(UserFactory())

    assert client.get(url("edit", seated)).status_code == 404


def test_editor_is_not_found_for_another_organizer(client, seated):
    client.force_login(UserFactory(organizer=True))

    assert client.get(url("edit", seated)).status_code == 404
    assert client.get(url("preview", seated)).status_code == 404


def test_every_post_by_another_organizer_is_not_found_and_changes_nothing(client, seated, stalls):
    client.force_login(UserFactory(organizer=True))
    balcony_pk = section(seated, "Balcony").pk
    posts = [
        (url("generate", seated), generate_data([{"name": "X", "rows": "1", "seats_per_row": "1"}], confirm="on")),
        (url("seat_toggle", seated), {"remove": seat(seated, "Stalls", "A", 1).pk}),
        (url("section_add", seated), {"add-name": "Boxes", "add-rows": "1", "add-seats_per_row": "2"}),
        (url("section_rename", seated, balcony_pk), {f"s{balcony_pk}-name": "Gallery"}),
        (url("section_zone", seated, balcony_pk), {f"s{balcony_pk}-ticket_type": stalls.pk}),
        (url("section_delete", seated, balcony_pk), {}),
        (url("row_add", seated, balcony_pk), {}),
        (url("row_remove", seated, balcony_pk), {}),
    ]
    before = map_snapshot(seated)

    statuses = [client.post(path, data).status_code for path, data in posts]

    assert statuses == [404] * len(posts)
    assert map_snapshot(seated) == before
    assert not AuditLogEntry.objects.exclude(action="seat_map.generated").exists()


def test_section_of_another_event_is_not_found(owner_client, seated):
    other = EventFactory()
    seat_map_generate(event=other, sections=[SectionSpec("Other", 1, 1)], actor=None, now=timezone.now())

    response = owner_client.post(url("section_delete", seated, section(other, "Other").pk))

    assert response.status_code == 404
    assert SeatSection.objects.filter(seat_map__event=other).exists()


def test_seat_of_another_event_is_not_found(owner_client, seated):
    other = EventFactory()
    seat_map_generate(event=other, sections=[SectionSpec("Other", 1, 1)], actor=None, now=timezone.now())

    response = owner_client.post(url("seat_toggle", seated), {"remove": seat(other, "Other", "A", 1).pk})

    assert response.status_code == 404
    assert not seat(other, "Other", "A", 1).is_removed


# --- seats -----------------------------------------------------------------------------------------


def test_seat_toggle_post_removes_seat_and_redirects_to_it(owner_client, seated, stalls):
    target = seat(seated, "Stalls", "B", 7)

    response = owner_client.post(url("seat_toggle", seated), {"remove": target.pk})

    assert response.status_code == 302 and response.url.endswith(f"#seat-{target.pk}")
    target.refresh_from_db()
    stalls.refresh_from_db()
    assert target.is_removed and stalls.capacity == 119


def test_seat_toggle_restore_puts_seat_back(owner_client, seated, stalls):
    target = seat(seated, "Stalls", "B", 7)
    owner_client.post(url("seat_toggle", seated), {"remove": target.pk})

    owner_client.post(url("seat_toggle", seated), {"restore": target.pk})

    target.refresh_from_db()
    stalls.refresh_from_db()
    assert not target.is_removed and stalls.capacity == 120


def test_seat_toggle_with_htmx_returns_only_the_section(owner_client, seated):
    target = seat(seated, "Balcony", "A", 3)

    response = owner_client.post(url("seat_toggle", seated), {"remove": target.pk}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    content = response.content.decode()
    assert f'id="section-{target.row.section_id}"' in content and "<html" not in content
    assert content.count("<button") == 80
    assert f'id="seat-{target.pk}"' in content and 'aria-pressed="true"' in content
    assert 'id="seat-map-summary" class="seat-summary" hx-swap-oob="true"' in content
    assert "Row A seat 3 removed." in content


def test_seat_toggle_refused_by_service_shows_error(owner_client, event, stalls):
    seat_map_generate(event=event, sections=[SectionSpec("Stalls", 1, 2, stalls)], actor=None, now=timezone.now())
    TicketType.objects.filter(pk=stalls.pk).update(sold=2)

    response = owner_client.post(
        url("seat_toggle", event), {"remove": seat(event, "Stalls", "A", 1).pk}, headers={"HX-Request": "true"}
    )

    assert 'role="alert"' in response.content.decode() and "cannot lose another seat" in response.content.decode()
    assert not seat(event, "Stalls", "A", 1).is_removed


def test_seat_toggle_without_a_seat_changes_nothing(owner_client, seated):
    before = map_snapshot(seated)

    response = owner_client.post(url("seat_toggle", seated), {"remove": "x"}, follow=True)

    assert response.status_code == 200 and "Choose a seat" in response.content.decode()
    assert map_snapshot(seated) == before


def test_seat_toggle_on_cancelled_event_is_refused(owner_client, seated):
    Event.objects.filter(pk=seated.pk).update(status=Event.Status.CANCELLED)
    target = seat(seated, "Stalls", "A", 1)

    response = owner_client.post(url("seat_toggle", seated), {"remove": target.pk}, follow=True)

    assert "can no longer be changed" in response.content.decode()
    target.refresh_from_db()
    assert not target.is_removed


# --- generating ------------------------------------------------------------------------------------


def test_generate_creates_map_and_redirects_to_editor(owner_client, event, stalls, balcony):
    data = generate_data(
        [
            {"name": "Stalls", "rows": "10", "seats_per_row": "12", "ticket_type": stalls.pk},
            {"name": "Balcony", "rows": "5", "seats_per_row": "16", "ticket_type": balcony.pk},
        ]
    )

    response = owner_client.post(url("generate", event), data)

    assert response.status_code == 302 and response.url == url("edit", event)
    assert Seat.objects.filter(row__section__seat_map__event=event).count() == 200
    stalls.refresh_from_db()
    assert stalls.capacity == 120


@pytest.mark.parametrize(
    ("rows", "seats_per_row", "field", "message"),
    [("0", "10", "rows", "At least 1 row."), ("10", "500", "seats_per_row", "At most 80 seats per row.")],
)
def test_generate_with_bad_grid_shows_error_next_to_field(owner_client, event, rows, seats_per_row, field, message):
    data = generate_data([{"name": "Stalls", "rows": rows, "seats_per_row": seats_per_row}])

    response = owner_client.post(url("generate", event), data)

    assert response.status_code == 200
    assert f'id="id_sections-0-{field}_error"' in response.content.decode()
    assert message in response.content.decode()
    assert not SeatMap.objects.filter(event=event).exists()


def test_generate_over_5000_seats_is_refused(owner_client, event):
    sections = [{"name": f"Block {n}", "rows": "60", "seats_per_row": "80"} for n in range(2)]

    response = owner_client.post(url("generate", event), generate_data(sections))

    assert "at most 5,000 seats" in response.content.decode()
    assert not SeatMap.objects.filter(event=event).exists()


def test_generate_refuses_zone_of_another_event(owner_client, event):
    foreign = TicketTypeFactory()
    data = generate_data([{"name": "Stalls", "rows": "2", "seats_per_row": "2", "ticket_type": foreign.pk}])

    response = owner_client.post(url("generate", event), data)

    assert 'id="id_sections-0-ticket_type_error"' in response.content.decode()
    assert not SeatMap.objects.filter(event=event).exists()


def test_generate_add_another_section_redraws_with_one_more(owner_client, event):
    data = generate_data([{"name": "Stalls", "rows": "10", "seats_per_row": "12"}], add_section="1")

    response = owner_client.post(url("generate", event), data)

    content = response.content.decode()
    assert response.status_code == 200 and 'name="sections-1-name"' in content
    assert 'value="Stalls"' in content and "is-invalid" not in content
    assert not SeatMap.objects.filter(event=event).exists()


def test_generate_remove_section_redraws_without_it(owner_client, event):
    data = generate_data(
        [{"name": "Stalls", "rows": "1", "seats_per_row": "1"}, {"name": "Balcony", "rows": "1", "seats_per_row": "1"}],
        remove_section="0",
    )

    response = owner_client.post(url("generate", event), data)

    content = response.content.decode()
    assert 'value="Balcony"' in content and 'value="Stalls"' not in content
    assert 'name="sections-1-name"' not in content


def test_regenerate_needs_confirmation(owner_client, seated):
    data = generate_data([{"name": "Floor", "rows": "2", "seats_per_row": "2"}])

    response = owner_client.post(url("generate", seated), data)

    assert "Tick this box" in response.content.decode()
    assert section(seated, "Stalls")


def test_regenerate_is_refused_when_tickets_sold(owner_client, seated, stalls):
    TicketType.objects.filter(pk=stalls.pk).update(sold=1)
    data = generate_data([{"name": "Floor", "rows": "2", "seats_per_row": "2"}], confirm="on")

    response = owner_client.post(url("generate", seated), data)

    assert "cannot be regenerated" in response.content.decode()
    assert Seat.objects.filter(row__section__seat_map__event=seated).count() == 200


def test_regenerate_with_confirmation_replaces_map(owner_client, seated):
    data = generate_data([{"name": "Floor", "rows": "2", "seats_per_row": "2"}], confirm="on")

    response = owner_client.post(url("generate", seated), data)

    assert response.status_code == 302
    assert list(SeatSection.objects.filter(seat_map__event=seated).values_list("name", flat=True)) == ["Floor"]


# --- sections --------------------------------------------------------------------------------------


def test_section_rename_post(owner_client, seated):
    pk = section(seated, "Balcony").pk

    response = owner_client.post(url("section_rename", seated, pk), {f"s{pk}-name": "Dress Circle"})

    assert response.status_code == 302
    assert SeatSection.objects.get(pk=pk).name == "Dress Circle"


def test_section_rename_to_taken_name_shows_error_next_to_field(owner_client, seated):
    pk = section(seated, "Balcony").pk

    response = owner_client.post(url("section_rename", seated, pk), {f"s{pk}-name": "stalls"})

    assert response.status_code == 200
    assert f'id="id_s{pk}-name_error"' in response.content.decode()
    assert SeatSection.objects.get(pk=pk).name == "Balcony"


def test_section_zone_post_moves_capacity(owner_client, seated, stalls, balcony):
    pk = section(seated, "Balcony").pk

    owner_client.post(url("section_zone", seated, pk), {f"s{pk}-ticket_type": stalls.pk})

    stalls.refresh_from_db()
    balcony.refresh_from_db()
    assert (stalls.capacity, balcony.capacity) == (200, 0)


def test_section_zone_of_another_event_is_refused(owner_client, seated, balcony):
    pk = section(seated, "Balcony").pk
    foreign = TicketTypeFactory()

    response = owner_client.post(url("section_zone", seated, pk), {f"s{pk}-ticket_type": foreign.pk})

    assert response.status_code == 200 and f'id="id_s{pk}-ticket_type_error"' in response.content.decode()
    assert section(seated, "Balcony").ticket_type == balcony


def test_section_add_post(owner_client, seated, balcony):
    data = {"add-name": "Boxes", "add-rows": "2", "add-seats_per_row": "4", "add-ticket_type": balcony.pk}

    response = owner_client.post(url("section_add", seated), data)

    assert response.status_code == 302
    assert section(seated, "Boxes").ticket_type == balcony


def test_section_add_with_taken_name_shows_error(owner_client, seated):
    data = {"add-name": "Stalls", "add-rows": "2", "add-seats_per_row": "4"}

    response = owner_client.post(url("section_add", seated), data)

    assert 'id="id_add-name_error"' in response.content.decode()
    assert SeatSection.objects.filter(seat_map__event=seated).count() == 2


def test_section_delete_post(owner_client, seated):
    response = owner_client.post(url("section_delete", seated, section(seated, "Balcony").pk))

    assert response.status_code == 302
    assert list(SeatSection.objects.filter(seat_map__event=seated).values_list("name", flat=True)) == ["Stalls"]


def test_section_delete_refused_when_zone_sold(owner_client, seated, balcony):
    TicketType.objects.filter(pk=balcony.pk).update(sold=1)

    response = owner_client.post(url("section_delete", seated, section(seated, "Balcony").pk), follow=True)

    assert "cannot be deleted" in response.content.decode()
    assert section(seated, "Balcony")


def test_row_add_and_remove_posts(owner_client, seated):
    pk = section(seated, "Balcony").pk

    owner_client.post(url("row_add", seated, pk))
    owner_client.post(url("row_remove", seated, pk))
    owner_client.post(url("row_remove", seated, pk))

    assert Seat.objects.filter(row__section_id=pk).count() == 4 * 16


def test_preview_draws_the_public_component(owner_client, seated):
    response = owner_client.get(url("preview", seated))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("data-seat-id=") == 200 and "€29.00" in content
