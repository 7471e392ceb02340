"""The applications API (SPEC §10): apply (multipart and JSON), mine, withdraw, the organizer's list, approve
and decline, attachments; errors in the one error shape; other people's objects answer 404."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketTypeFactory
from tickets.models import Application, Order
from tickets.services.applications import application_approve
from tickets.tests.helpers_applications import application_submitted, approval_event, image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant_client(api_client):
    user = UserFactory(name="Ada Lovelace")
    api_client.force_authenticate(user)
    api_client.user = user
    return api_client


def apply_payload(**overrides) -> dict:
    payload = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0958",
        "answers": ["A plant-watering robot"],
    }
    payload.update(overrides)
    return payload


def test_the_form_lists_questions_ticket_types_and_limits(applicant_client):
    event, ticket_type = approval_event(max_tickets_per_order=4)

    body = applicant_client.get(f"/api/v1/events/{event.slug}/apply/").json()

    assert body["open"] is True
    assert body["ticket_types"] == [{"id": ticket_type.pk, "name": "Hacker", "price": "0.00", "currency": "EUR"}]
    assert body["questions"][0] == {"label": "What do you want to build?", "required": True}
    assert body["max_team_size"] == 4 and body["max_attachments"] == 3
    assert body["my_application"] is None


def test_apply_with_multipart_attachments(applicant_client):
    event, _ticket_type = approval_event()

    response = applicant_client.post(
        f"/api/v1/events/{event.slug}/apply/",
        {
            **apply_payload(team_name="Analytical", team_members=["Charles Babbage"]),
            "attachments": [upload("cv.pdf", pdf_bytes()), upload("photo.jpg", image_bytes("JPEG"))],
        },
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 201
    assert body["status"] == "pending" and body["quantity"] == 2
    assert [a["name"] for a in body["attachments"]] == ["cv.pdf", "photo.jpg"]
    assert body["attachments"][0]["url"].startswith("/api/v1/applications/attachments/")


def test_apply_with_json_and_no_files(applicant_client):
    event, _ticket_type = approval_event()

    response = applicant_client.post(f"/api/v1/events/{event.slug}/apply/", apply_payload(), format="json")

    assert response.status_code == 201
    assert Application.objects.get().applicant == applicant_client.user


def test_apply_errors_come_in_the_error_shape_with_fields(applicant_client):
    event, _ticket_type = approval_event()

    response = applicant_client.post(
        f"/api/v1/events/{event.slug}/apply/",
        {**apply_payload(phone="", answers=[]), "attachments": [upload("cv.pdf", image_bytes("PNG"))]},
        format="multipart",
    )

    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "invalid"
    assert {"phone", "answers.0", "attachments"} <= set(error["fields"])
    assert not Application.objects.exists()


def test_applying_twice_is_a_conflict(applicant_client):
    event, _ticket_type = approval_event()
    applicant_client.post(f"/api/v1/events/{event.slug}/apply/", apply_payload(), format="json")

    response = applicant_client.post(f"/api/v1/events/{event.slug}/apply/", apply_payload(), format="json")

    assert response.status_code == 409 and response.json()["error"]["code"] == "application_exists"


def test_applying_to_a_normal_event_is_refused(applicant_client):
    ticket_type = TicketTypeFactory()

    response = applicant_client.post(
        f"/api/v1/events/{ticket_type.event.slug}/apply/", apply_payload(answers=[]), format="json"
    )

    assert response.status_code == 422 and response.json()["error"]["code"] == "applications_closed"


def test_an_unknown_ticket_type_is_a_field_error(applicant_client):
    event, _ticket_type = approval_event()
    foreign = TicketTypeFactory()

    response = applicant_client.post(
        f"/api/v1/events/{event.slug}/apply/", apply_payload(ticket_type=foreign.pk), format="json"
    )

    assert response.status_code == 400 and "ticket_type" in response.json()["error"]["fields"]


def test_apply_needs_authentication(api_client):
    event, _ticket_type = approval_event()

    response = api_client.post(f"/api/v1/events/{event.slug}/apply/", apply_payload(), format="json")

    assert response.status_code == 401


def test_my_applications_show_only_mine_with_the_payment_link(applicant_client, django_assert_max_num_queries):
    event, ticket_type = approval_event(price="20.00")
    mine = application_submitted(ticket_type=ticket_type, applicant=applicant_client.user)
    application_approve(application=mine, actor=event.organizer, now=timezone.now())
    application_submitted(ticket_type=ticket_type)

    with django_assert_max_num_queries(6):
        body = applicant_client.get("/api/v1/applications/").json()

    assert [item["id"] for item in body["results"]] == [mine.pk]
    order = body["results"][0]["order"]
    assert order["status"] == "pending" and order["pay_url"].endswith(f"/orders/{order['code']}/pay/")
    assert order["pay_before"] is not None


def test_withdraw_over_the_api(applicant_client):
    _event, ticket_type = approval_event()
    mine = application_submitted(ticket_type=ticket_type, applicant=applicant_client.user)

    response = applicant_client.post(f"/api/v1/applications/{mine.pk}/withdraw/")

    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_someone_elses_application_is_404(applicant_client):
    _event, ticket_type = approval_event()
    other = application_submitted(ticket_type=ticket_type)

    assert applicant_client.get(f"/api/v1/applications/{other.pk}/").status_code == 404
    assert applicant_client.post(f"/api/v1/applications/{other.pk}/withdraw/").status_code == 404


# --- organizers ----------------------------------------------------------------------------------------


@pytest.fixture
def review():
    event, ticket_type = approval_event(price="0.00")
    return event, application_submitted(ticket_type=ticket_type, attachments=[upload("cv.pdf", pdf_bytes())])


def test_the_organizer_lists_applications_by_status(api_client, review, django_assert_max_num_queries):
    event, application = review
    for _ in range(3):
        application_submitted(ticket_type=application.ticket_type)
    api_client.force_authenticate(event.organizer)

    with django_assert_max_num_queries(6):
        body = api_client.get(f"/api/v1/organizer/events/{event.pk}/applications/?status=pending").json()

    assert body["count"] == 4
    first = body["results"][0]
    assert first["id"] == application.pk and first["applicant"]["email"] == application.applicant.email
    assert first["answers"][0]["answer"] == "A robot that waters plants"


def test_the_organizer_approves_over_the_api(api_client, review):
    event, application = review
    api_client.force_authenticate(event.organizer)

    response = api_client.post(f"/api/v1/organizer/applications/{application.pk}/approve/")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "approved" and body["order"]["status"] == Order.Status.PAID


def test_approving_twice_is_a_conflict(api_client, review):
    event, application = review
    api_client.force_authenticate(event.organizer)
    api_client.post(f"/api/v1/organizer/applications/{application.pk}/approve/")

    response = api_client.post(f"/api/v1/organizer/applications/{application.pk}/approve/")

    assert response.status_code == 409 and response.json()["error"]["code"] == "application_decided"


def test_declining_needs_a_reason_over_the_api(api_client, review):
    event, application = review
    api_client.force_authenticate(event.organizer)

    empty = api_client.post(f"/api/v1/organizer/applications/{application.pk}/decline/", {"reason": ""}, format="json")
    done = api_client.post(
        f"/api/v1/organizer/applications/{application.pk}/decline/", {"reason": "Full."}, format="json"
    )

    assert empty.status_code == 400 and "reason" in empty.json()["error"]["fields"]
    assert done.status_code == 200 and done.json()["decline_reason"] == "Full."


def test_approving_a_sold_out_event_is_a_conflict(api_client):
    event, ticket_type = approval_event(capacity=1)
    first = application_submitted(ticket_type=ticket_type)
    second = application_submitted(ticket_type=ticket_type)
    api_client.force_authenticate(event.organizer)
    api_client.post(f"/api/v1/organizer/applications/{first.pk}/approve/")

    response = api_client.post(f"/api/v1/organizer/applications/{second.pk}/approve/")

    assert response.status_code == 409 and response.json()["error"]["code"] == "sold_out"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/organizer/events/{event}/applications/"),
        ("get", "/api/v1/organizer/applications/{application}/"),
        ("post", "/api/v1/organizer/applications/{application}/approve/"),
        ("post", "/api/v1/organizer/applications/{application}/decline/"),
    ],
)
def test_another_organizer_gets_404(api_client, review, method, path):
    event, application = review
    api_client.force_authenticate(UserFactory(organizer=True))

    response = getattr(api_client, method)(
        path.format(event=event.pk, application=application.pk), {"reason": "x"}, format="json"
    )

    application.refresh_from_db()
    assert response.status_code == 404 and application.status == Application.Status.PENDING


def test_an_attendee_gets_403_on_organizer_endpoints(applicant_client, review):
    _event, application = review

    response = applicant_client.post(f"/api/v1/organizer/applications/{application.pk}/approve/")

    assert response.status_code == 403


def test_admins_may_decide_any_application(api_client, review):
    _event, application = review
    api_client.force_authenticate(UserFactory(admin=True))

    response = api_client.post(f"/api/v1/organizer/applications/{application.pk}/approve/")

    assert response.status_code == 200


@pytest.mark.parametrize(("who", "expected"), [("applicant", 200), ("organizer", 200), ("stranger", 404)])
def test_attachment_download_over_the_api(api_client, review, who, expected):
    event, application = review
    user = {"applicant": application.applicant, "organizer": event.organizer, "stranger": UserFactory()}[who]
    api_client.force_authenticate(user)

    response = api_client.get(f"/api/v1/applications/attachments/{application.attachments.get().pk}/")

    assert response.status_code == expected


def test_the_schema_documents_the_application_endpoints(api_client):
    body = api_client.get("/api/schema/?format=json").json()

    assert "/api/v1/events/{slug}/apply/" in body["paths"]
    assert "/api/v1/organizer/applications/{id}/decline/" in body["paths"]
