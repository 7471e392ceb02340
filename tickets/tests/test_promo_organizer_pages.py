"""The organizer's promo codes tab through its URLs: list, create, generate, edit, deactivate, delete, CSV."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import PromoCode
from tickets.tests.factories import PromoCodeFactory, order_booked

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(client):
    user = UserFactory(organizer=True, name="Olga Organizer")
    client.force_login(user)
    return user


@pytest.fixture
def event(organizer):
    return EventFactory(organizer=organizer, timezone="Europe/London", currency="EUR")


def url(name, *args):
    return reverse(f"promo_codes:{name}", args=args)


def code_post(**overrides) -> dict:
    data = {"code": "spring10", "count": "1", "kind": "percent", "value": "10", "max_uses": "", "per_user_limit": ""}
    return {**data, **overrides}


def messages_of(client, response) -> list[str]:
    return [str(message) for message in client.get(response.url).context["messages"]]


def test_the_event_tabs_link_to_promo_codes(client, event):
    body = client.get(reverse("organizer:event_detail", args=[event.pk])).content.decode()

    assert url("list", event.pk) in body


def test_list_shows_each_code_with_uses_and_performance(client, event):
    ticket_type = TicketTypeFactory(event=event, price=Decimal("40.00"))
    PromoCodeFactory(event=event, code="EARLY", value=Decimal("25"), max_uses=10)
    order_booked(ticket_type=ticket_type, promo_code="EARLY")
    order_booked(ticket_type=ticket_type, promo_code="EARLY", paid=False)

    response = client.get(url("list", event.pk))

    body = response.content.decode()
    assert response.status_code == 200
    assert "EARLY" in body
    code = response.context["codes"][0]
    assert (code.uses, code.orders_paid, code.discount_given, code.revenue) == (
        2,
        1,
        Decimal("10.00"),
        Decimal("30.00"),
    )


def test_list_query_count_does_not_grow_with_codes(client, event, django_assert_max_num_queries):
    ticket_type = TicketTypeFactory(event=event)
    for _ in range(8):
        PromoCodeFactory(event=event).ticket_types.set([ticket_type])

    with django_assert_max_num_queries(12):
        response = client.get(url("list", event.pk))

    assert len(response.context["codes"]) == 8


def test_create_saves_the_code_in_capitals_with_its_window_in_the_event_zone(client, event):
    vip = TicketTypeFactory(event=event, name="VIP")
    data = code_post(valid_from="2031-01-10T09:00", valid_until="2031-02-01T18:00", ticket_types=[vip.pk])

    response = client.post(url("create", event.pk), data)

    code = PromoCode.objects.get()
    assert response.url == url("list", event.pk)
    assert (code.code, code.kind, code.value, code.created_by) == (
        "SPRING10",
        "percent",
        Decimal("10"),
        event.organizer,
    )
    assert code.valid_from == datetime(2031, 1, 10, 9, 0, tzinfo=UTC)
    assert list(code.ticket_types.all()) == [vip]
    assert "Promo code SPRING10 is ready to share." in messages_of(client, response)
    assert AuditLogEntry.objects.filter(action="promo_code.created", target_id=str(code.pk)).exists()


def test_create_without_a_code_draws_a_random_one(client, event):
    client.post(url("create", event.pk), code_post(code=""))

    assert len(PromoCode.objects.get().code) == 8


def test_create_a_batch_of_random_codes_with_a_prefix(client, event):
    response = client.post(url("create", event.pk), code_post(code="news-", count="5", max_uses="1"))

    codes = list(PromoCode.objects.values_list("code", "max_uses"))
    assert len(codes) == 5 and len({code for code, _ in codes}) == 5
    assert all(code.startswith("NEWS-") and max_uses == 1 for code, max_uses in codes)
    assert "5 codes were generated." in messages_of(client, response)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"value": "0"}, "value"),
        ({"value": "120"}, "value"),
        ({"code": "two words"}, "code"),
        ({"max_uses": "0"}, "max_uses"),
        ({"valid_from": "2031-02-01T10:00", "valid_until": "2031-01-01T10:00"}, "valid_until"),
    ],
)
def test_create_with_bad_input_explains_next_to_the_field_and_creates_nothing(client, event, overrides, field):
    response = client.post(url("create", event.pk), code_post(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not PromoCode.objects.exists()


def test_a_code_the_event_already_has_is_refused_whatever_its_case(client, event):
    PromoCodeFactory(event=event, code="SPRING10")

    response = client.post(url("create", event.pk), code_post(code="Spring10"))

    assert "already has" in str(response.context["form"].errors["code"])
    assert PromoCode.objects.count() == 1


def test_the_same_code_may_exist_for_another_event(client, event):
    PromoCodeFactory(code="SPRING10")

    client.post(url("create", event.pk), code_post())

    assert PromoCode.objects.filter(event=event, code="SPRING10").exists()


def test_edit_page_prefills_and_saves_the_changes(client, event):
    promo = PromoCodeFactory(event=event, code="SUMMER", value=Decimal("15"))

    page = client.get(url("edit", event.pk, promo.pk))
    response = client.post(url("edit", event.pk, promo.pk), code_post(code="SUMMER", value="20", max_uses="50"))

    assert page.context["form"].initial["value"] == Decimal("15")
    assert response.url == url("list", event.pk)
    promo.refresh_from_db()
    assert (promo.value, promo.max_uses) == (Decimal("20"), 50)


def test_edit_cannot_lower_max_uses_below_the_uses(client, event):
    promo = PromoCodeFactory(event=event, code="POPULAR", uses=5, max_uses=10)

    response = client.post(url("edit", event.pk, promo.pk), code_post(code="POPULAR", max_uses="3"))

    assert "used 5 times" in str(response.context["form"].errors["max_uses"])
    assert PromoCode.objects.get(pk=promo.pk).max_uses == 10


def test_deactivate_and_reactivate(client, event):
    promo = PromoCodeFactory(event=event, code="PAUSE")

    response = client.post(url("deactivate", event.pk, promo.pk))
    promo.refresh_from_db()
    assert (promo.is_active, bool(promo.deactivated_at)) == (False, True)
    assert "PAUSE no longer works" in messages_of(client, response)[0]

    client.post(url("reactivate", event.pk, promo.pk))
    promo.refresh_from_db()
    assert promo.is_active and promo.deactivated_at is None


def test_delete_removes_an_unused_code(client, event):
    promo = PromoCodeFactory(event=event)

    client.post(url("delete", event.pk, promo.pk))

    assert not PromoCode.objects.exists()
    assert AuditLogEntry.objects.filter(action="promo_code.deleted", target_id=str(promo.pk)).exists()


def test_delete_keeps_a_code_orders_used_and_deactivates_it(client, event):
    ticket_type = TicketTypeFactory(event=event)
    promo = PromoCodeFactory(event=event, code="USED")
    order_booked(ticket_type=ticket_type, promo_code="USED", paid=False)

    response = client.post(url("delete", event.pk, promo.pk))

    promo.refresh_from_db()
    assert not promo.is_active
    assert "kept for your records" in messages_of(client, response)[0]


def test_csv_lists_every_code_with_its_performance(client, event):
    order_booked(ticket_type=TicketTypeFactory(event=event))
    PromoCodeFactory(event=event, code="=HACK", note="Newsletter")
    PromoCodeFactory(event=event, code="PLAIN", kind="fixed", value=Decimal("5"), max_uses=3)

    response = client.get(url("export", event.pk))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("Code,Status,Discount type")
    assert len(lines) == 3
    assert any(line.startswith("PLAIN,Active,Amount off,5.00") for line in lines)
    assert "Newsletter" in text


def test_another_organizers_event_and_codes_answer_404(client, organizer):
    other_event = EventFactory()
    promo = PromoCodeFactory(event=other_event)

    assert client.get(url("list", other_event.pk)).status_code == 404
    assert client.get(url("export", other_event.pk)).status_code == 404
    assert client.post(url("create", other_event.pk), code_post()).status_code == 404
    assert client.post(url("deactivate", other_event.pk, promo.pk)).status_code == 404
    assert PromoCode.objects.get(pk=promo.pk).is_active


def test_a_code_of_another_event_under_my_event_url_answers_404(client, event):
    promo = PromoCodeFactory()

    assert client.post(url("deactivate", event.pk, promo.pk)).status_code == 404
    assert client.get(url("edit", event.pk, promo.pk)).status_code == 404


def test_attendees_get_404(client):
    client.force_login(UserFactory())
    event = EventFactory()

    assert client.get(url("list", event.pk)).status_code == 404
