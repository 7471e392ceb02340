"""The application pages through their URLs: apply, "My applications", withdraw, the organizer's review queue,
approve and decline, and who may open an attachment."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketTypeFactory
from tickets.models import Application
from tickets.services.applications import application_approve, application_decline
from tickets.tests.helpers_applications import application_submitted, approval_event, image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0958",
        "team_name": "",
        "team_members": "",
        "q_0": "A plant-watering robot",
        "q_1": "",
    }
    data.update(overrides)
    return data


# --- the event page and the apply form ----------------------------------------------------------------


def test_the_event_page_offers_apply_instead_of_the_ticket_picker(client):
    event, ticket_type = approval_event()
    client.force_login(UserFactory())

    response = client.get(reverse("events:detail", args=[event.slug]))

    body = response.content.decode()
    assert reverse("applications:apply", args=[event.slug]) in body
    assert f'name="qty-{ticket_type.pk}"' not in body


def test_the_event_page_shows_my_application_status(client):
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    client.force_login(application.applicant)

    response = client.get(reverse("events:detail", args=[event.slug]))

    assert reverse("applications:detail", args=[application.pk]) in response.content.decode()
    assert "Pending review" in response.content.decode()


def test_the_apply_form_is_prefilled_from_the_account_and_shows_the_questions(client):
    event, _ticket_type = approval_event()
    user = UserFactory(name="Grace Hopper", phone="+1 555 0100")
    client.force_login(user)

    response = client.get(reverse("applications:apply", args=[event.slug]))

    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["name"] == "Grace Hopper" and form.initial["email"] == user.email
    assert "What do you want to build?" in response.content.decode()


def test_the_apply_form_needs_a_login(client):
    event, _ticket_type = approval_event()

    response = client.get(reverse("applications:apply", args=[event.slug]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_applying_with_a_pdf_creates_the_application_and_shows_it(client):
    event, _ticket_type = approval_event()
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("applications:apply", args=[event.slug]),
        {
            **form_data(team_name="Analytical", team_members="Charles Babbage\n\nMary Somerville\n"),
            "attachments": [upload("cv.pdf", pdf_bytes()), upload("sketch.png", image_bytes())],
        },
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    assert application.applicant == user and application.quantity == 3
    assert application.attachments.count() == 2


def test_a_fake_pdf_is_shown_next_to_the_attachments_field(client):
    event, _ticket_type = approval_event()
    client.force_login(UserFactory())

    response = client.post(
        reverse("applications:apply", args=[event.slug]),
        {**form_data(), "attachments": [upload("cv.pdf", b"%PDF-1.4 nothing here")]},
    )

    assert response.status_code == 200
    assert "cv.pdf looks damaged" in " ".join(response.context["form"].errors["attachments"])
    assert not Application.objects.exists()


def test_a_missing_answer_is_shown_next_to_its_question(client):
    event, _ticket_type = approval_event()
    client.force_login(UserFactory())

    response = client.post(reverse("applications:apply", args=[event.slug]), form_data(q_0=""))

    assert "q_0" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_team_too_big_is_shown_next_to_the_team_members(client):
    event, _ticket_type = approval_event(max_tickets_per_order=2)
    client.force_login(UserFactory())

    response = client.post(
        reverse("applications:apply", args=[event.slug]), form_data(team_name="Crew", team_members="Bob\nEve")
    )

    assert "team_members" in response.context["form"].errors


def test_applying_twice_leads_to_the_existing_application(client):
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    client.force_login(application.applicant)

    response = client.get(reverse("applications:apply", args=[event.slug]))

    assert response["Location"] == reverse("applications:detail", args=[application.pk])


def test_the_apply_page_of_a_normal_event_leads_to_the_event(client):
    ticket_type = TicketTypeFactory()
    client.force_login(UserFactory())

    response = client.get(reverse("applications:apply", args=[ticket_type.event.slug]))

    assert response["Location"] == reverse("events:detail", args=[ticket_type.event.slug])


def test_a_closed_event_shows_that_applications_are_closed(client):
    event, _ticket_type = approval_event(status="cancelled")
    client.force_login(UserFactory())

    response = client.get(reverse("applications:apply", args=[event.slug]))
    posted = client.post(reverse("applications:apply", args=[event.slug]), form_data())

    assert "Applications are closed" in response.content.decode()
    assert posted.status_code == 200 and not Application.objects.exists()


# --- my applications ----------------------------------------------------------------------------------


def test_my_applications_lists_mine_with_the_pay_link_and_deadline(client, django_assert_max_num_queries):
    event, ticket_type = approval_event(price="20.00")
    application = application_submitted(ticket_type=ticket_type)
    approved = application_approve(application=application, actor=event.organizer, now=timezone.now())
    for _ in range(3):
        _other_event, other_type = approval_event()
        application_submitted(ticket_type=other_type, applicant=application.applicant)
    application_submitted(ticket_type=ticket_type)  # someone else's
    client.force_login(application.applicant)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("applications:list"))

    rows = response.context["rows"]
    assert len(rows) == 4
    assert rows[-1]["pay_url"] == reverse("tickets:pay", args=[approved.order.code])
    assert reverse("tickets:pay", args=[approved.order.code]) in response.content.decode()


def test_an_approved_free_application_links_to_the_tickets(client):
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    approved = application_approve(application=application, actor=event.organizer, now=timezone.now())
    client.force_login(application.applicant)

    response = client.get(reverse("applications:detail", args=[application.pk]))

    assert response.context["tickets_url"] == reverse("tickets:order_detail", args=[approved.order.code])
    assert "Your tickets are ready." in response.content.decode()


def test_a_declined_application_shows_the_reason(client):
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    application_decline(application=application, actor=event.organizer, reason="Teams only.", now=timezone.now())
    client.force_login(application.applicant)

    response = client.get(reverse("applications:detail", args=[application.pk]))

    assert "Teams only." in response.content.decode()


def test_someone_elses_application_answers_404(client):
    _event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    client.force_login(UserFactory())

    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404
    assert client.post(reverse("applications:withdraw", args=[application.pk])).status_code == 404


def test_withdrawing_from_the_page(client):
    _event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    client.force_login(application.applicant)

    client.post(reverse("applications:withdraw", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


# --- attachments -------------------------------------------------------------------------------------


@pytest.fixture
def attachment():
    _event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type, attachments=[upload("cv.pdf", pdf_bytes())])
    return application.attachments.get()


@pytest.mark.parametrize("who", ["applicant", "organizer", "admin"])
def test_an_attachment_opens_for_the_applicant_the_organizer_and_admins(client, attachment, who):
    user = {
        "applicant": attachment.application.applicant,
        "organizer": attachment.application.event.organizer,
        "admin": UserFactory(admin=True),
    }[who]
    client.force_login(user)

    response = client.get(reverse("applications:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="cv.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["another_attendee", "another_organizer"])
def test_an_attachment_is_404_for_everyone_else(client, attachment, who):
    client.force_login(UserFactory(organizer=who == "another_organizer"))

    response = client.get(reverse("applications:attachment", args=[attachment.pk]))

    assert response.status_code == 404


def test_an_attachment_needs_a_login(client, attachment):
    response = client.get(reverse("applications:attachment", args=[attachment.pk]))

    assert response.status_code == 302


def test_attachments_have_no_public_media_url(attachment, settings):
    assert not attachment.file.path.startswith(str(settings.MEDIA_ROOT))
