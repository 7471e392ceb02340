"""Applications: submit (every rule), the one-open-application rule, approve (free and paid), decline,
withdraw, expiry, and that direct purchase of an approval-required event stays refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import TicketType
from events.tests.factories import TicketTypeFactory
from notifications.models import OutboundEmail
from tickets.errors import (
    ApplicationExists,
    ApplicationsClosed,
    NotVerified,
    SalesClosed,
)
from tickets.models import Application, ApplicationAttachment
from tickets.services.applications import (
    application_decline,
    application_submit,
)
from tickets.services.holds import LineRequest, hold_create
from tickets.tests.helpers_applications import (
    approval_event,
    details,
    image_bytes,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def submit(for_type, /, *, applicant=None, **overrides):
    values = {
        "applicant": applicant or UserFactory(),
        "event": for_type.event,
        "ticket_type": for_type,
        "details": details(),
        "answers": ["A robot that waters plants"],
        "attachments": [],
        "now": timezone.now(),
    }
    values.update(overrides)
    return application_submit(**values)


def field_errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- submit -----------------------------------------------------------------------------------------------


def test_submit_creates_a_pending_application_with_answers_and_an_email():
    _event, ticket_type = approval_event()
    applicant = UserFactory(email="ada@example.com")

    application = submit(
        ticket_type,
        applicant=applicant,
        details=details(team_name="Analytical", team_members=("Charles Babbage", "Mary Somerville")),
        answers=["A robot", "github.com/ada"],
    )

    assert application.status == Application.Status.PENDING
    assert application.quantity == 3
    assert application.team_members == ["Charles Babbage", "Mary Somerville"]
    assert application.answers == [
        {"question": "What do you want to build?", "answer": "A robot"},
        {"question": "GitHub profile (optional)", "answer": "github.com/ada"},
    ]
    assert OutboundEmail.objects.get(template="application_received").to == "ada@example.com"
    assert AuditLogEntry.objects.filter(action="application.submitted", actor=applicant).exists()


def test_submit_stores_attachments_privately_under_a_random_name(settings):
    _event, ticket_type = approval_event()

    application = submit(
        ticket_type, attachments=[upload("My CV.pdf", pdf_bytes()), upload("sketch.png", image_bytes())]
    )

    files = list(application.attachments.order_by("id"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("My CV.pdf", "application/pdf"),
        ("sketch.png", "image/png"),
    ]
    assert all("My CV" not in f.file.name and f.file.name.startswith("applications/") for f in files)
    assert not files[0].file.path.startswith(str(settings.MEDIA_ROOT))
    with files[0].file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": ""}, "phone"),
        ({"phone": "call me maybe"}, "phone"),
        ({"team_name": "t" * 101, "team_members": ("Bob",)}, "team_name"),
        ({"team_members": ("Bob",)}, "team_name"),
        ({"team_name": "Crew", "team_members": ("Bob", " ")}, "team_members"),
        ({"team_name": "Crew", "team_members": ("Bob", "bob")}, "team_members"),
        ({"team_name": "Crew", "team_members": ("b" * 151,)}, "team_members"),
    ],
)
def test_submit_refuses_bad_details_next_to_the_field(overrides, field):
    _event, ticket_type = approval_event()

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type, details=details(**overrides))

    assert field in field_errors(excinfo)
    assert not Application.objects.exists()


def test_submit_needs_the_required_answers_but_not_the_optional_ones():
    _event, ticket_type = approval_event()

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type, answers=["", "github.com/ada"])

    assert field_errors(excinfo) == {"answers.0": ["Please answer this question."]}


def test_submit_refuses_an_overlong_answer():
    _event, ticket_type = approval_event()

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type, answers=["x" * 2001])

    assert "answers.0" in field_errors(excinfo)


def test_submit_refuses_a_team_bigger_than_one_order_may_be():
    _event, ticket_type = approval_event(max_tickets_per_order=3)

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type, details=details(team_name="Big", team_members=("A", "B", "C")))

    assert "at most 3 people" in field_errors(excinfo)["team_members"][0]


def test_submit_refuses_a_team_smaller_than_the_ticket_type_needs():
    _event, ticket_type = approval_event()
    TicketType.objects.filter(pk=ticket_type.pk).update(min_per_order=2)
    ticket_type.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type)

    assert "at least 2 people" in field_errors(excinfo)["team_members"][0]


def test_submit_refuses_a_ticket_type_of_another_event():
    _event, ticket_type = approval_event()
    _other_event, foreign = approval_event()

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type, ticket_type=foreign)

    assert "ticket_type" in field_errors(excinfo)


def test_submit_refuses_a_hidden_ticket_type():
    event, ticket_type = approval_event()
    hidden = TicketTypeFactory(event=event, is_hidden=True, unlock_code="VIP")

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type, ticket_type=hidden)

    assert "ticket_type" in field_errors(excinfo)


def test_submit_refuses_an_attachment_over_5_mb():
    _event, ticket_type = approval_event()
    big = upload("portfolio.pdf", pdf_bytes() + b"0" * (5 * 1024 * 1024))

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type, attachments=[big])

    assert "at most 5 MB" in field_errors(excinfo)["attachments"][0]
    assert not ApplicationAttachment.objects.exists()


def test_submit_refuses_a_fake_pdf():
    _event, ticket_type = approval_event()

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type, attachments=[upload("cv.pdf", b"%PDF-1.7\nthis is no PDF at all")])

    assert field_errors(excinfo)["attachments"] == ["cv.pdf looks damaged: it cannot be opened as PDF."]


def test_submit_refuses_a_png_renamed_pdf():
    _event, ticket_type = approval_event()

    with pytest.raises(ValidationError) as excinfo:
        submit(ticket_type, attachments=[upload("cv.pdf", image_bytes("PNG"), "application/pdf")])

    assert "is a PNG file with the wrong extension" in field_errors(excinfo)["attachments"][0]


def test_submit_refuses_a_text_file_and_more_than_three_files():
    _event, ticket_type = approval_event()

    with pytest.raises(ValidationError) as text_error:
        submit(ticket_type, attachments=[upload("notes.txt", b"hello")])
    with pytest.raises(ValidationError) as count_error:
        submit(ticket_type, attachments=[upload(f"p{i}.png", image_bytes()) for i in range(4)])

    assert "upload a PDF, PNG or JPG" in field_errors(text_error)["attachments"][0]
    assert field_errors(count_error)["attachments"] == ["Attach at most 3 files."]


def test_submit_collects_every_problem_at_once():
    _event, ticket_type = approval_event()

    with pytest.raises(ValidationError) as excinfo:
        submit(
            ticket_type,
            details=details(name="", email="nope", phone=""),
            answers=[],
            attachments=[upload("x.pdf", b"not a pdf")],
        )

    assert {"name", "email", "phone", "answers.0", "attachments"} <= set(field_errors(excinfo))


def test_one_open_application_per_person_and_event():
    _event, ticket_type = approval_event()
    applicant = UserFactory()
    submit(ticket_type, applicant=applicant)

    with pytest.raises(ApplicationExists):
        submit(ticket_type, applicant=applicant)

    assert Application.objects.count() == 1


def test_after_a_decline_the_person_may_apply_again():
    event, ticket_type = approval_event()
    applicant = UserFactory()
    first = submit(ticket_type, applicant=applicant)
    application_decline(application=first, actor=event.organizer, reason="Full team list needed", now=timezone.now())

    second = submit(ticket_type, applicant=applicant)

    assert second.status == Application.Status.PENDING and second.pk != first.pk


def test_submit_needs_a_verified_account():
    _event, ticket_type = approval_event()

    with pytest.raises(NotVerified):
        submit(ticket_type, applicant=UserFactory(unverified=True))


@pytest.mark.parametrize(
    "change",
    [
        {"requires_approval": False},
        {"status": "draft"},
        {"status": "cancelled"},
    ],
)
def test_submit_is_refused_when_the_event_takes_no_applications(change):
    event, ticket_type = approval_event()
    for field, value in change.items():
        setattr(event, field, value)
    event.save()

    with pytest.raises(ApplicationsClosed):
        submit(ticket_type)


def test_submit_is_refused_once_the_event_started():
    _event, ticket_type = approval_event()

    with pytest.raises(ApplicationsClosed):
        submit(ticket_type, now=ticket_type.event.starts_at + timedelta(minutes=1))


def test_submit_is_refused_outside_the_sales_window():
    _event, ticket_type = approval_event()
    TicketType.objects.filter(pk=ticket_type.pk).update(sales_end=timezone.now() - timedelta(hours=1))

    with pytest.raises(ApplicationsClosed):
        submit(TicketType.objects.get(pk=ticket_type.pk))


# --- the booking engine ----------------------------------------------------------------------------------


def test_direct_purchase_of_an_approval_required_event_is_still_refused():
    event, ticket_type = approval_event()

    with pytest.raises(SalesClosed):
        hold_create(buyer=UserFactory(), event=event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now())

    assert TicketType.objects.get(pk=ticket_type.pk).held == 0
