"""Transfers and new QR codes through the browser pages: My tickets, the transfer and new-code pages, the accept
page in each state, the buyer's receipt, ticket files, the organizer's "Reissue", the event form, and coming
back to the accept page after signing in or up."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from core.models import AuditLogEntry
from events.models import Event
from events.tests.factories import EventFactory
from notifications.models import OutboundEmail
from tickets.models import Ticket, TicketTransfer
from tickets.services.transfers import transfer_accept, transfer_cancel
from tickets.tests.helpers_transfers import a_ticket, offer

pytestmark = pytest.mark.django_db


def toasts(client, response) -> list[str]:
    page = client.get(response.url)
    return [str(message) for message in page.context["messages"]]


@pytest.fixture
def ticket():
    return a_ticket()


@pytest.fixture
def buyer_client(client, ticket):
    client.force_login(ticket.order.buyer)
    return client


@pytest.fixture
def recipient():
    return UserFactory(email="ben@example.com", name="Ben Adeyemi")


def accept_url(transfer) -> str:
    return reverse("tickets:transfer_accept", args=[transfer.token])


# --- My tickets ------------------------------------------------------------------------------------------


def test_my_tickets_offers_transfer_and_a_new_qr_code(buyer_client, ticket):
    body = buyer_client.get(reverse("tickets:my_tickets")).content.decode()

    assert reverse("tickets:transfer", args=[ticket.pk]) in body
    assert reverse("tickets:reissue", args=[ticket.pk]) in body


def test_my_tickets_hides_transfer_when_the_organizer_disabled_it(client):
    ticket = a_ticket(transfers_enabled=False)
    client.force_login(ticket.order.buyer)

    body = client.get(reverse("tickets:my_tickets")).content.decode()

    assert reverse("tickets:transfer", args=[ticket.pk]) not in body


def test_my_tickets_shows_the_pending_transfer_with_a_cancel_button(buyer_client, ticket):
    offer(ticket)

    body = buyer_client.get(reverse("tickets:my_tickets")).content.decode()

    assert "ben@example.com" in body and reverse("tickets:transfer_cancel", args=[ticket.pk]) in body


def test_my_tickets_queries_do_not_grow_with_transfers(client, django_assert_max_num_queries):
    buyer = UserFactory()
    for _ in range(3):
        offer(a_ticket(buyer=buyer))
    client.force_login(buyer)
    client.get(reverse("tickets:my_tickets"))  # warm caches (session, site settings)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("tickets:my_tickets"))

    assert response.content.decode().count("Cancel transfer") == 3


# --- the transfer page -------------------------------------------------------------------------------------


def test_transfer_page_sends_the_ticket_and_says_so(buyer_client, ticket):
    response = buyer_client.post(
        reverse("tickets:transfer", args=[ticket.pk]),
        {"to_name": "Ben Adeyemi", "to_email": "ben@example.com", "message": "Enjoy"},
    )

    assert response.status_code == 302 and response.url == reverse("tickets:my_tickets")
    assert TicketTransfer.objects.get().to_email == "ben@example.com"
    assert any("ben@example.com" in toast for toast in toasts(buyer_client, response))


def test_transfer_page_puts_a_transfer_to_yourself_next_to_the_email_field(buyer_client, ticket):
    response = buyer_client.post(
        reverse("tickets:transfer", args=[ticket.pk]), {"to_name": "Me", "to_email": ticket.order.buyer.email.upper()}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["to_email"]
    assert not TicketTransfer.objects.exists()


def test_transfer_page_rejects_a_bad_email_and_changes_nothing(buyer_client, ticket):
    response = buyer_client.post(reverse("tickets:transfer", args=[ticket.pk]), {"to_name": "X", "to_email": "nope"})

    assert response.status_code == 200 and response.context["form"].errors["to_email"]
    assert not TicketTransfer.objects.exists()


def test_transfer_page_explains_why_a_ticket_cannot_be_transferred(client):
    now = timezone.now()
    ticket = a_ticket(starts_at=now + timedelta(hours=5), transfer_cutoff_hours=48)
    client.force_login(ticket.order.buyer)

    response = client.get(reverse("tickets:transfer", args=[ticket.pk]))

    assert "48 hours" in response.context["refusal"]
    assert b'name="to_email"' not in response.content


def test_transfer_page_shows_the_transfer_under_way(buyer_client, ticket):
    offer(ticket)

    response = buyer_client.get(reverse("tickets:transfer", args=[ticket.pk]))

    assert response.context["open_transfer"] is not None
    assert b'name="to_email"' not in response.content


def test_transfer_pages_of_someone_elses_ticket_are_404(client, ticket):
    client.force_login(UserFactory())

    for name in ("tickets:transfer", "tickets:reissue"):
        assert client.get(reverse(name, args=[ticket.pk])).status_code == 404
    assert client.post(reverse("tickets:transfer_cancel", args=[ticket.pk])).status_code == 404
    assert client.post(reverse("tickets:reissue", args=[ticket.pk])).status_code == 404


def test_transfer_pages_need_a_login(client, ticket):
    response = client.get(reverse("tickets:transfer", args=[ticket.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_cancel_button_takes_the_transfer_back(buyer_client, ticket):
    transfer = offer(ticket)

    response = buyer_client.post(reverse("tickets:transfer_cancel", args=[ticket.pk]))

    transfer.refresh_from_db()
    assert response.status_code == 302 and transfer.status == TicketTransfer.Status.CANCELLED


# --- the new QR code page ----------------------------------------------------------------------------------


def test_new_code_page_explains_then_reissues(buyer_client, ticket):
    page = buyer_client.get(reverse("tickets:reissue", args=[ticket.pk]))
    assert b"stop working" in page.content

    response = buyer_client.post(reverse("tickets:reissue", args=[ticket.pk]))

    assert response.status_code == 302 and response.url.endswith(f"#ticket-{ticket.pk}")
    assert Ticket.objects.get(pk=ticket.pk).version == 2


def test_new_code_refusal_is_a_toast_and_changes_nothing(buyer_client, ticket):
    Event.objects.filter(pk=ticket.event_id).update(status=Event.Status.CANCELLED)

    response = buyer_client.post(reverse("tickets:reissue", args=[ticket.pk]))

    assert response.status_code == 302 and Ticket.objects.get(pk=ticket.pk).version == 1
    assert any("cancelled" in toast for toast in toasts(buyer_client, response))


def test_my_tickets_qr_image_url_changes_with_the_version(buyer_client, ticket):
    buyer_client.post(reverse("tickets:reissue", args=[ticket.pk]))

    body = buyer_client.get(reverse("tickets:my_tickets")).content.decode()

    assert f"{reverse('tickets:qr', args=[ticket.pk])}?v=2" in body


# --- the accept page ----------------------------------------------------------------------------------------


def test_accept_page_for_a_visitor_links_to_sign_in_and_sign_up_and_back(client, ticket):
    transfer = offer(ticket, message="See you there")

    response = client.get(accept_url(transfer))

    body = response.content.decode()
    assert response.status_code == 200 and ticket.event.title in body and "See you there" in body
    assert response.context["login_url"].endswith(
        f"next={quote(accept_url(transfer), safe='')}&email=ben%40example.com"
    )
    assert response.context["signup_url"].startswith(reverse("accounts:signup") + "?next=")
    assert "no-store" in response["Cache-Control"]


def test_accept_page_for_another_account_says_so_and_offers_to_switch(client, ticket):
    transfer = offer(ticket)
    client.force_login(UserFactory(email="eve@example.com"))

    response = client.get(accept_url(transfer))

    assert response.context["wrong_account"]
    assert b"eve@example.com" in response.content and b"Sign out and switch account" in response.content


def test_accept_page_asks_an_unverified_recipient_to_verify(client, ticket):
    transfer = offer(ticket)
    client.force_login(UserFactory(email="ben@example.com", unverified=True))

    response = client.get(accept_url(transfer))

    assert response.context["unverified"] and b"Accept the ticket" not in response.content


def test_accepting_on_the_page_hands_over_the_ticket(client, ticket, recipient):
    transfer = offer(ticket)
    client.force_login(recipient)
    page = client.get(accept_url(transfer))
    assert page.context["form"]["attendee_name"].value() == "Ben Adeyemi"

    response = client.post(accept_url(transfer), {"attendee_name": "Ben A."})

    assert response.status_code == 302 and response.url.endswith(f"#ticket-{ticket.pk}")
    ticket.refresh_from_db()
    assert ticket.holder == recipient and ticket.attendee_name == "Ben A." and ticket.version == 2
    assert client.get(accept_url(transfer)).context["accepted_by_me"]


def test_accepting_twice_on_the_page_is_harmless(client, ticket, recipient):
    transfer = offer(ticket)
    client.force_login(recipient)
    client.post(accept_url(transfer), {"attendee_name": "Ben"})

    response = client.post(accept_url(transfer), {"attendee_name": "Ben"})

    assert response.status_code == 302 and Ticket.objects.get(pk=ticket.pk).version == 2


def test_accept_page_post_by_a_visitor_goes_to_sign_in(client, ticket):
    transfer = offer(ticket)

    response = client.post(accept_url(transfer), {"attendee_name": "Ben"})

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert Ticket.objects.get(pk=ticket.pk).holder is None


def test_accept_page_shows_a_refusal_when_transfers_were_closed_meanwhile(client, ticket, recipient):
    transfer = offer(ticket)
    Event.objects.filter(pk=ticket.event_id).update(transfers_enabled=False)
    client.force_login(recipient)

    response = client.get(accept_url(transfer))
    post = client.post(accept_url(transfer), {"attendee_name": "Ben"})

    assert response.context["refusal"] and b"Accept the ticket</button>" not in response.content
    assert post.status_code == 200 and post.context["form"].non_field_errors()
    assert Ticket.objects.get(pk=ticket.pk).holder is None


@pytest.mark.parametrize("state", ["cancelled", "expired", "accepted"])
def test_accept_page_of_a_closed_transfer_says_why(client, ticket, recipient, state):
    transfer = offer(ticket)
    if state == "cancelled":
        transfer_cancel(transfer=transfer, sender=ticket.order.buyer, now=timezone.now())
    elif state == "expired":
        TicketTransfer.objects.filter(pk=transfer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    else:
        transfer_accept(token=transfer.token, user=recipient, now=timezone.now())
    client.force_login(UserFactory())

    response = client.get(accept_url(transfer))

    assert response.status_code == 200 and response.context["state"] == state
    assert b"Accept the ticket</button>" not in response.content


def test_accept_page_of_an_unknown_link_is_404(client):
    assert client.get(reverse("tickets:transfer_accept", args=["x" * 43])).status_code == 404
    assert client.get(reverse("tickets:transfer_accept", args=["x" * 300])).status_code == 404


# --- after the transfer: the buyer's receipt and the files ----------------------------------------------------


def test_the_buyer_sees_the_ticket_as_transferred_without_its_qr_code(buyer_client, ticket, recipient):
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())

    body = buyer_client.get(reverse("tickets:order_detail", args=[ticket.order.code])).content.decode()

    assert "Transferred to b…@example.com" in body
    assert reverse("tickets:qr", args=[ticket.pk]) not in body
    assert reverse("tickets:pdf", args=[ticket.pk]) not in body


def test_the_new_holder_downloads_the_files_and_the_buyer_no_longer_can(client, ticket, recipient):
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())

    client.force_login(recipient)
    assert client.get(reverse("tickets:pdf", args=[ticket.pk])).status_code == 200
    assert client.get(reverse("tickets:qr", args=[ticket.pk])).status_code == 200
    client.force_login(ticket.order.buyer)
    assert client.get(reverse("tickets:pdf", args=[ticket.pk])).status_code == 404
    assert client.get(reverse("tickets:qr", args=[ticket.pk])).status_code == 404


# --- coming back after signing in or up ------------------------------------------------------------------------


def test_sign_in_from_the_accept_page_prefills_the_email_and_comes_back(client, ticket, recipient):
    transfer = offer(ticket)
    login_url = client.get(accept_url(transfer)).context["login_url"]

    page = client.get(login_url)
    response = client.post(login_url, {"email": "ben@example.com", "password": DEFAULT_PASSWORD})

    assert page.context["form"]["email"].value() == "ben@example.com"
    assert response.status_code == 302 and response.url == accept_url(transfer)


def test_sign_up_from_the_accept_page_comes_back_after_verifying(client, ticket):
    transfer = offer(ticket)
    signup_url = client.get(accept_url(transfer)).context["signup_url"]
    page = client.get(signup_url)
    assert page.context["form"]["email"].value() == "ben@example.com"

    client.post(
        signup_url,
        {"name": "Ben Adeyemi", "email": "ben@example.com", "password": "Quiet-lantern-harbour-73", "role": "attendee",
         "next": accept_url(transfer)},
    )  # fmt: skip
    code = re.search(r"\b(\d{6})\b", OutboundEmail.objects.filter(template="verify_email").latest("pk").body_text)
    response = client.post(reverse("accounts:verify"), {"email": "ben@example.com", "code": code.group(1)})

    assert response.status_code == 302 and response.url == accept_url(transfer)
    assert client.get(accept_url(transfer)).context["form"] is not None


def test_sign_up_ignores_a_next_pointing_elsewhere(client):
    client.post(
        reverse("accounts:signup"),
        {"name": "Eve", "email": "eve@example.com", "password": "Quiet-lantern-harbour-73", "role": "attendee",
         "next": "https://evil.example.com/"},
    )  # fmt: skip
    code = re.search(r"\b(\d{6})\b", OutboundEmail.objects.filter(template="verify_email").latest("pk").body_text)

    response = client.post(reverse("accounts:verify"), {"email": "eve@example.com", "code": code.group(1)})

    assert response.url == reverse("core:home")


def test_switching_account_signs_out_and_goes_to_sign_in_for_the_transfer(client, ticket):
    transfer = offer(ticket)
    client.force_login(UserFactory(email="eve@example.com"))
    login_url = client.get(accept_url(transfer)).context["login_url"]

    response = client.post(reverse("accounts:logout"), {"next": login_url})

    assert response.status_code == 302 and response.url == login_url
    assert "_auth_user_id" not in client.session


# --- the organizer ---------------------------------------------------------------------------------------------


def reissue_url(ticket) -> str:
    return reverse("bookings:ticket_reissue", args=[ticket.event_id, ticket.pk])


def test_attendee_list_links_reissue_and_shows_the_new_holder(client, ticket, recipient):
    transfer_accept(token=offer(ticket).token, user=recipient, now=timezone.now())
    client.force_login(ticket.event.organizer)

    body = client.get(reverse("bookings:attendees", args=[ticket.event_id])).content.decode()

    assert reissue_url(ticket) in body and "transferred to Ben Adeyemi" in body


def test_organizer_reissues_a_ticket_with_a_reason(client, ticket):
    client.force_login(ticket.event.organizer)
    assert client.get(reissue_url(ticket)).status_code == 200

    response = client.post(reissue_url(ticket), {"reason": "QR code posted online"})

    assert response.status_code == 302 and ticket.serial in response.url
    assert Ticket.objects.get(pk=ticket.pk).version == 2
    entry = AuditLogEntry.objects.get(action="ticket.reissued")
    assert entry.actor == ticket.event.organizer and entry.data["reason"] == "QR code posted online"
    assert OutboundEmail.objects.filter(template="ticket_reissued", to=ticket.order.buyer.email).exists()


def test_organizer_reissue_needs_a_reason(client, ticket):
    client.force_login(ticket.event.organizer)

    response = client.post(reissue_url(ticket), {"reason": ""})

    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert Ticket.objects.get(pk=ticket.pk).version == 1


def test_organizer_reissue_of_another_organizers_ticket_is_404(client, ticket):
    other = EventFactory()
    client.force_login(other.organizer)

    assert client.get(reissue_url(ticket)).status_code == 404
    assert client.get(reverse("bookings:ticket_reissue", args=[other.pk, ticket.pk])).status_code == 404
    assert (
        client.post(reverse("bookings:ticket_reissue", args=[other.pk, ticket.pk]), {"reason": "x"}).status_code == 404
    )
    assert Ticket.objects.get(pk=ticket.pk).version == 1


def test_attendees_cannot_open_the_organizer_reissue_page(buyer_client, ticket):
    assert buyer_client.get(reissue_url(ticket)).status_code == 404


def test_admin_reissue_action_asks_for_a_reason_then_reissues(client, ticket):
    admin = UserFactory(admin=True)
    client.force_login(admin)
    changelist = reverse("admin:tickets_ticket_changelist")
    data = {"action": "reissue", ACTION_CHECKBOX_NAME: [ticket.pk]}

    confirm = client.post(changelist, data)
    done = client.post(changelist, {**data, "apply": "1", "reason": "Support request #42"})

    assert confirm.status_code == 200 and b"Reason" in confirm.content
    assert done.status_code == 302 and Ticket.objects.get(pk=ticket.pk).version == 2
    assert AuditLogEntry.objects.get(action="ticket.reissued").actor == admin


# --- the event form ----------------------------------------------------------------------------------------------


def test_organizer_api_sets_the_transfer_policy(api_client):
    event = EventFactory()
    api_client.force_authenticate(event.organizer)
    url = f"/api/v1/organizer/events/{event.pk}/"

    response = api_client.patch(url, {"transfers_enabled": False, "transfer_cutoff_hours": 24}, format="json")
    bad = api_client.patch(url, {"transfer_cutoff_hours": -1}, format="json")

    assert response.status_code == 200 and response.json()["transfers_enabled"] is False
    assert response.json()["transfer_cutoff_hours"] == 24
    assert bad.status_code == 400 and "transfer_cutoff_hours" in bad.json()["error"]["fields"]
    event.refresh_from_db()
    assert (event.transfers_enabled, event.transfer_cutoff_hours) == (False, 24)


def test_the_event_form_has_the_transfer_policy(client):
    event = EventFactory()
    client.force_login(event.organizer)

    body = client.get(reverse("organizer:event_edit", args=[event.pk])).content.decode()

    assert 'name="transfers_enabled"' in body and 'name="transfer_cutoff_hours"' in body
