"""The referral program in the browser (through URLs): following a link, the invitation, checkout with and without
it, "Share and save", "Your rewards", and the organizer's "Referrals" tab with its CSV."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import Event
from tickets.models import Order, Referral, ReferralLink
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_mark_paid, order_mark_refunded
from tickets.tests.helpers_referrals import referral_ticket_type, referred_checkout, referrer_with_link
from tickets.views.referrals import COOKIE_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_type():
    return referral_ticket_type(price="25.00", discount=("percent", "10"), reward=("fixed", "5.00"))


@pytest.fixture
def link(ticket_type):
    return referrer_with_link(ticket_type, email="ada@example.com", name="Ada Lovelace")[1]


@pytest.fixture
def friend():
    return UserFactory(email="bob@example.com", name="Bob Friend")


def visit(client, link):
    return client.get(reverse("referrals:visit", args=[link.code]))


def start_checkout(client, ticket_type, quantity=2) -> str:
    response = client.post(
        reverse("tickets:hold_start", args=[ticket_type.event.slug]), {f"qty-{ticket_type.pk}": quantity}
    )
    assert response.status_code == 302 and "/tickets/checkout/" in response.url, response.url
    return response.url


# --- following a link ---------------------------------------------------------------------------------------------


def test_a_link_opens_the_event_page_with_the_invitation(client, ticket_type, link):
    response = visit(client, link)

    assert response.status_code == 302 and response.url == reverse("events:detail", args=[ticket_type.event.slug])
    assert COOKIE_NAME in response.cookies
    page = client.get(response.url)
    assert page.context["invitation"].referrer_name == "Ada"
    assert "You were invited by Ada" in page.content.decode()
    assert "10% off" in page.content.decode()


def test_the_invitation_survives_a_new_session_through_the_cookie(client, ticket_type, link):
    cookie = visit(client, link).cookies[COOKIE_NAME]
    client.session.flush()
    client.cookies.clear()
    client.cookies[COOKIE_NAME] = cookie.value

    page = client.get(reverse("events:detail", args=[ticket_type.event.slug]))

    assert page.context["invitation"].code == link.code


def test_a_tampered_cookie_is_ignored(client, ticket_type, link):
    client.cookies[COOKIE_NAME] = f"{ticket_type.event_id}:{link.code}"  # unsigned

    page = client.get(reverse("events:detail", args=[ticket_type.event.slug]))

    assert page.context["invitation"] is None


@pytest.mark.parametrize("code", ["NOSUCHCODE42", "x" * 300, "<script>"])
def test_an_unknown_link_is_404(client, code):
    assert client.get(f"/r/{code}/").status_code == 404


def test_with_the_program_off_a_link_just_opens_the_event(client, ticket_type, link):
    Event.objects.filter(pk=ticket_type.event_id).update(referral_enabled=False)

    response = visit(client, link)

    assert response.status_code == 302 and COOKIE_NAME not in response.cookies
    assert client.get(response.url).context["invitation"] is None


def test_the_referrer_sees_their_own_link_as_such(client, ticket_type, link):
    client.force_login(link.referrer)

    page = client.get(visit(client, link).url)

    assert page.context["invitation"].is_own
    assert "This is your invitation link" in page.content.decode()


# --- checkout -----------------------------------------------------------------------------------------------------


def test_checkout_through_a_link_shows_and_applies_the_discount(client, ticket_type, link, friend):
    visit(client, link)
    client.force_login(friend)
    checkout_url = start_checkout(client, ticket_type)

    page = client.get(checkout_url)
    referral = page.context["referral"]
    assert (referral.discount, referral.total, referral.error) == (Decimal("5.00"), Decimal("45.00"), "")
    response = client.post(checkout_url, {"name_0": "Bob Friend", "name_1": "Cy Friend", "referral_code": link.code})

    order = Order.objects.get(buyer=friend)
    assert response.status_code == 302 and response.url == reverse("tickets:pay", args=[order.code])
    assert (order.discount, order.total) == (Decimal("5.00"), Decimal("45.00"))
    assert Referral.objects.get(order=order).link == link


def test_self_referral_at_checkout_is_explained_and_the_code_can_be_removed(client, ticket_type, link):
    referrer = link.referrer
    client.force_login(referrer)
    visit(client, link)
    checkout_url = start_checkout(client, ticket_type, quantity=1)

    assert "can't use your own invitation" in client.get(checkout_url).context["referral"].error
    refused = client.post(checkout_url, {"name_0": "Ada", "referral_code": link.code})
    assert refused.status_code == 200 and "use your own invitation" in refused.content.decode()
    assert Order.objects.filter(buyer=referrer).count() == 1

    hold_id = checkout_url.rstrip("/").rsplit("/", 1)[-1]
    removed = client.post(reverse("tickets:referral_remove", args=[hold_id]), {"name_0": "Ada"})
    assert removed.status_code == 302 and removed.url == checkout_url
    assert client.get(checkout_url).context["referral"] is None
    client.post(checkout_url, {"name_0": "Ada"})
    order = Order.objects.filter(buyer=referrer).latest("created_at")
    assert (order.discount, order.total) == (0, Decimal("25.00"))


def test_removing_the_code_of_someone_elses_hold_is_404(client, ticket_type, friend):
    hold = hold_create(buyer=UserFactory(), event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)],
                       now=timezone.now())  # fmt: skip
    client.force_login(friend)

    assert client.post(reverse("tickets:referral_remove", args=[hold.public_id])).status_code == 404


def test_a_tampered_referral_code_at_checkout_is_refused_not_a_crash(client, ticket_type, friend):
    client.force_login(friend)
    checkout_url = start_checkout(client, ticket_type, quantity=1)

    response = client.post(checkout_url, {"name_0": "Bob", "referral_code": "' OR 1=1 --" * 10})

    assert response.status_code == 200 and not Order.objects.exists()


# --- the referrer's side -----------------------------------------------------------------------------------------


def test_my_tickets_shows_share_and_save_with_the_link(client, ticket_type, link):
    client.force_login(link.referrer)

    page = client.get(reverse("tickets:my_tickets"))

    body = page.content.decode()
    assert "Share and save" in body and f"/r/{link.code}/" in body
    assert "tickets/js/referrals.js" in body


def test_no_share_card_while_the_program_is_off(client, ticket_type, link):
    Event.objects.filter(pk=ticket_type.event_id).update(referral_enabled=False)
    client.force_login(link.referrer)

    assert "Share and save" not in client.get(reverse("tickets:my_tickets")).content.decode()


def test_a_holder_from_before_the_program_gets_a_link_on_request(client):
    ticket_type = referral_ticket_type(enabled=False)
    holder, _none = referrer_with_link(ticket_type)
    Event.objects.filter(pk=ticket_type.event_id).update(
        referral_enabled=True, referral_discount_value=10, referral_reward_value=5
    )
    client.force_login(holder)
    assert "Get my invitation link" in client.get(reverse("tickets:my_tickets")).content.decode()

    response = client.post(
        reverse("tickets:referral_link_create", args=[ticket_type.event_id]), {"next": "https://evil.example/"}
    )

    assert response.status_code == 302 and response.url == reverse("tickets:my_tickets")
    assert ReferralLink.objects.filter(referrer=holder).count() == 1


def test_someone_without_a_ticket_gets_no_link(client, ticket_type, friend):
    client.force_login(friend)

    client.post(reverse("tickets:referral_link_create", args=[ticket_type.event_id]))

    assert not ReferralLink.objects.filter(referrer=friend).exists()


def test_the_order_page_of_a_paid_order_shows_the_share_card(client, ticket_type, link):
    client.force_login(link.referrer)
    order = Order.objects.get(buyer=link.referrer)

    assert client.get(reverse("tickets:order_detail", args=[order.code])).context["share_card"]


def test_your_rewards_lists_the_reward_and_its_state(client, ticket_type, link, friend):
    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)
    order_mark_paid(order_id=order.pk, now=timezone.now())
    client.force_login(link.referrer)

    page = client.get(reverse("tickets:rewards"))

    [row] = page.context["rewards"]
    assert (row["state"], row["label"]) == ("usable", "€5.00 off")
    assert row["code"] in page.content.decode()
    order_mark_refunded(order_id=order.pk, now=timezone.now())
    assert client.get(reverse("tickets:rewards")).context["rewards"][0]["state"] == "revoked"


def test_your_rewards_needs_sign_in(client):
    response = client.get(reverse("tickets:rewards"))

    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- the organizer's tab -----------------------------------------------------------------------------------------


def organizer_url(event, name="bookings:referrals"):
    return reverse(name, args=[event.pk])


@pytest.mark.parametrize("name", ["bookings:referrals", "bookings:referrals_csv"])
@pytest.mark.parametrize("who", ["another_organizer", "attendee"])
def test_the_referrals_tab_of_someone_elses_event_is_404(client, ticket_type, name, who):
    client.force_login(UserFactory(organizer=True) if who == "another_organizer" else UserFactory())

    assert client.get(organizer_url(ticket_type.event, name)).status_code == 404
    assert client.post(organizer_url(ticket_type.event), {"enabled": ""}).status_code == 404


def test_the_referrals_tab_needs_sign_in(client, ticket_type):
    response = client.get(organizer_url(ticket_type.event))

    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_an_admin_sees_any_events_referrals(client, ticket_type):
    client.force_login(UserFactory(admin=True))

    assert client.get(organizer_url(ticket_type.event)).status_code == 200


def test_the_organizer_sees_conversions_revenue_and_rewards(client, ticket_type, link, django_assert_max_num_queries):
    for _ in range(3):
        order = referred_checkout(ticket_type=ticket_type, buyer=UserFactory(), code=link.code)
        order_mark_paid(order_id=order.pk, now=timezone.now())
    order_mark_refunded(order_id=order.pk, now=timezone.now())
    client.force_login(ticket_type.event.organizer)

    with django_assert_max_num_queries(20):
        page = client.get(organizer_url(ticket_type.event))

    summary = page.context["summary"]
    assert (summary["conversions"], summary["rewards_issued"], summary["rewards_revoked"]) == (3, 3, 1)
    assert summary["revenue"] == Decimal("90.00") and summary["referrers"] >= 1
    assert len(page.context["rows"]) == 3
    assert [link.referrer_id] == [top.referrer_id for top in page.context["top_referrers"]]
    assert page.context["active_tab"] == "referrals"


def test_the_organizer_turns_the_program_on(client):
    event = referral_ticket_type(enabled=False).event
    client.force_login(event.organizer)

    response = client.post(
        organizer_url(event),
        {
            "enabled": "on",
            "discount_value": "15",
            "discount_kind": "percent",
            "reward_value": "4.50",
            "reward_kind": "fixed",
        },
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.referral_enabled and event.referral_reward_value == Decimal("4.50")
    assert AuditLogEntry.objects.filter(action="event.referral_settings_updated", actor=event.organizer).exists()


VALID = {
    "enabled": "on",
    "discount_value": "10",
    "discount_kind": "percent",
    "reward_value": "5",
    "reward_kind": "fixed",
}


@pytest.mark.parametrize(
    "data",
    [
        {**VALID, "discount_value": "150"},
        {**VALID, "discount_value": "0"},
        {**VALID, "discount_value": "abc", "reward_kind": "x"},
        {},
    ],
)
def test_invalid_settings_show_errors_and_change_nothing(client, data):
    event = referral_ticket_type(enabled=False).event
    client.force_login(event.organizer)

    response = client.post(organizer_url(event), data)

    assert response.status_code == 400 and response.context["form"].errors
    event.refresh_from_db()
    assert not event.referral_enabled


def test_the_csv_lists_every_referred_order(client, ticket_type, link):
    order = referred_checkout(ticket_type=ticket_type, buyer=UserFactory(name="=HYPERLINK(1)"), code=link.code)
    order_mark_paid(order_id=order.pk, now=timezone.now())
    client.force_login(ticket_type.event.organizer)

    response = client.get(organizer_url(ticket_type.event, "bookings:referrals_csv"))

    body = b"".join(response.streaming_content).decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(body[1:])))
    assert header[0] == "Date" and len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Referrer e-mail"] == "ada@example.com" and row["Order"] == order.code
    assert row["Buyer name"] == "'=HYPERLINK(1)"
    assert (row["Discount"], row["Order total"], row["Referral status"]) == ("5.00", "45.00", "Rewarded")


def test_a_returning_friend_is_not_asked_to_remove_the_invitation_they_used(client, ticket_type, link, friend):
    visit(client, link)
    client.force_login(friend)
    first = client.post(start_checkout(client, ticket_type, quantity=1), {"name_0": "Bob", "referral_code": link.code})
    order_mark_paid(order_id=Order.objects.get(buyer=friend).pk, now=timezone.now())
    assert first.status_code == 302

    page = client.get(start_checkout(client, ticket_type, quantity=1))

    assert page.context["referral"] is None
