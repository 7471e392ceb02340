"""The seat map editor's edits through their URLs: seats, sections and rows; what each POST changes and how
bad input is answered.
"""

import pytest
from django.utils import timezone

from events.models import Event, Seat, SeatSection, TicketType
from events.services.seat_maps import SectionSpec, seat_map_generate
from events.tests.factories import TicketTypeFactory
from events.tests.helpers_seat_maps import map_snapshot, seat, section, url

pytestmark = pytest.mark.django_db


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
