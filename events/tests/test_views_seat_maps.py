"""The seat map editor pages: who may see them, generating a map, and how bad input is answered."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import Seat, SeatMap, SeatSection, TicketType
from events.services.seat_maps import SectionSpec, seat_map_generate
from events.tests.factories import EventFactory, TicketTypeFactory
from events.tests.helpers_seat_maps import generate_data, map_snapshot, seat, section, url

pytestmark = pytest.mark.django_db


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
