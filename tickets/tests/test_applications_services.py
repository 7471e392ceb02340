"""Applications: submit (every rule), the one-open-application rule, approve (free and paid), decline,
withdraw, expiry, and that direct purchase of an approval-required event stays refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import TicketType
from events.tests.factories import TicketTypeFactory
from notifications.models import OutboundEmail
from payments.services.payments import payment_pay_simulated
from tickets.errors import (
    ApplicationAlreadyDecided,
    ApplicationExists,
    ApplicationNotWithdrawable,
    ApplicationsClosed,
    LimitExceeded,
    NotVerified,
    SalesClosed,
    SoldOut,
)
from tickets.models import Application, ApplicationAttachment, Order, Ticket
from tickets.services.applications import (
    application_approve,
    application_decline,
    application_submit,
    application_withdraw,
    applications_erase_for_user,
    applications_expire_due,
)
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import orders_expire_due
from tickets.tests.helpers_applications import (
    application_submitted,
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


# --- approve -------------------------------------------------------------------------------------------


def test_approving_a_free_application_issues_valid_tickets_for_the_whole_team():
    event, ticket_type = approval_event(price="0.00", capacity=5)
    application = application_submitted(ticket_type=ticket_type, team_members=["Charles Babbage"])
    mail.outbox.clear()

    approved = application_approve(application=application, actor=event.organizer, now=timezone.now())

    order = approved.order
    ticket_type.refresh_from_db()
    assert approved.status == Application.Status.APPROVED and approved.decided_by == event.organizer
    assert order.status == Order.Status.PAID and order.total == 0
    assert sorted(order.tickets.values_list("attendee_name", flat=True)) == ["Ada Lovelace", "Charles Babbage"]
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}
    assert (ticket_type.sold, ticket_type.held) == (2, 0)
    email = OutboundEmail.objects.get(template="application_approved")
    assert email.to == application.applicant.email and order.code in email.body_text
    assert AuditLogEntry.objects.filter(action="application.approved", actor=event.organizer).exists()


def test_approving_a_paid_application_reserves_places_until_the_payment_deadline(settings):
    settings.APPLICATION_PAYMENT_DAYS = 3
    event, ticket_type = approval_event(price="40.00", capacity=5, starts_at=timezone.now() + timedelta(days=10))
    application = application_submitted(ticket_type=ticket_type, team_members=["Charles Babbage"])
    now = timezone.now()

    approved = application_approve(application=application, actor=event.organizer, now=now)

    order = approved.order
    ticket_type.refresh_from_db()
    assert order.status == Order.Status.PENDING and order.total == Decimal("80.00")
    assert order.expires_at == now + timedelta(days=3)
    assert (ticket_type.sold, ticket_type.held) == (0, 2)
    email = OutboundEmail.objects.get(template="application_payment_link")
    assert f"/tickets/orders/{order.code}/pay/" in email.body_text


def test_the_payment_deadline_is_never_after_the_start(settings):
    settings.APPLICATION_PAYMENT_DAYS = 3
    starts = timezone.now() + timedelta(days=1)
    event, ticket_type = approval_event(price="40.00", starts_at=starts, ends_at=starts + timedelta(hours=5))
    application = application_submitted(ticket_type=ticket_type)

    approved = application_approve(application=application, actor=event.organizer, now=timezone.now())

    assert approved.order.expires_at == starts


def test_a_paid_approval_paid_with_the_simulated_provider_gives_valid_tickets(settings):
    settings.PAYMENT_PROVIDER = "simulated"
    event, ticket_type = approval_event(price="25.00", capacity=5)
    application = application_submitted(ticket_type=ticket_type)
    approved = application_approve(application=application, actor=event.organizer, now=timezone.now())

    payment_pay_simulated(order=approved.order, card_number="4242424242424242", now=timezone.now())

    order = Order.objects.get(pk=approved.order_id)
    ticket_type.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}
    assert (ticket_type.sold, ticket_type.held) == (1, 0)


def test_approving_when_sold_out_is_refused_clearly_and_changes_nothing():
    event, ticket_type = approval_event(capacity=1)
    first = application_submitted(ticket_type=ticket_type)
    team = application_submitted(ticket_type=ticket_type, team_members=["Bob"])
    application_approve(application=first, actor=event.organizer, now=timezone.now())

    with pytest.raises(SoldOut) as excinfo:
        application_approve(application=team, actor=event.organizer, now=timezone.now())

    team.refresh_from_db()
    assert "needs 2" in excinfo.value.message
    assert team.status == Application.Status.PENDING and team.order is None
    assert Order.objects.count() == 1


def test_approving_respects_the_per_person_limit_across_orders():
    event, ticket_type = approval_event(max_tickets_per_user=2)
    application = application_submitted(ticket_type=ticket_type, team_members=["Bob"])
    other_type = TicketTypeFactory(event=event, price=Decimal("0.00"))
    # A place they already hold (say, from an earlier approval for another ticket type).
    hold_create(
        buyer=application.applicant,
        event=event,
        lines=[LineRequest(other_type.pk, 1)],
        now=timezone.now(),
        for_application=True,
    )

    with pytest.raises(LimitExceeded):
        application_approve(application=application, actor=event.organizer, now=timezone.now())

    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_a_decided_application_cannot_be_decided_again():
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    application_approve(application=application, actor=event.organizer, now=timezone.now())

    with pytest.raises(ApplicationAlreadyDecided):
        application_approve(application=application, actor=event.organizer, now=timezone.now())
    with pytest.raises(ApplicationAlreadyDecided):
        application_decline(
            application=application, actor=event.organizer, reason="Changed my mind", now=timezone.now()
        )

    assert Order.objects.count() == 1


def test_approving_after_the_start_of_a_paid_event_is_refused():
    event, ticket_type = approval_event(price="10.00")
    application = application_submitted(ticket_type=ticket_type)

    with pytest.raises(ApplicationsClosed):
        application_approve(application=application, actor=event.organizer, now=event.starts_at + timedelta(minutes=5))

    assert not Order.objects.exists()


def test_approving_is_allowed_after_the_sales_window_closed():
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    TicketType.objects.filter(pk=ticket_type.pk).update(sales_end=timezone.now() - timedelta(minutes=1))

    approved = application_approve(application=application, actor=event.organizer, now=timezone.now())

    assert approved.status == Application.Status.APPROVED


# --- decline, withdraw, expiry ---------------------------------------------------------------------------


def test_declining_needs_a_reason():
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)

    with pytest.raises(ValidationError) as excinfo:
        application_decline(application=application, actor=event.organizer, reason="   ", now=timezone.now())

    application.refresh_from_db()
    assert "reason" in excinfo.value.message_dict
    assert application.status == Application.Status.PENDING


def test_declining_records_the_reason_and_emails_it():
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)

    declined = application_decline(
        application=application, actor=event.organizer, reason="We are full this year.", now=timezone.now()
    )

    assert declined.status == Application.Status.DECLINED and declined.decline_reason == "We are full this year."
    email = OutboundEmail.objects.get(template="application_declined")
    assert email.to == application.applicant.email and "We are full this year." in email.body_text
    entry = AuditLogEntry.objects.get(action="application.declined")
    assert entry.data == {"reason": "We are full this year."} and entry.actor == event.organizer


def test_withdrawing_a_pending_application():
    _event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)

    withdrawn = application_withdraw(application=application, applicant=application.applicant, now=timezone.now())

    assert withdrawn.status == Application.Status.WITHDRAWN
    assert AuditLogEntry.objects.filter(action="application.withdrawn").exists()


def test_withdrawing_an_approved_unpaid_application_gives_the_places_back():
    event, ticket_type = approval_event(price="30.00")
    application = application_submitted(ticket_type=ticket_type, team_members=["Bob"])
    approved = application_approve(application=application, actor=event.organizer, now=timezone.now())

    application_withdraw(application=approved, applicant=application.applicant, now=timezone.now())

    ticket_type.refresh_from_db()
    assert Order.objects.get(pk=approved.order_id).status == Order.Status.CANCELLED
    assert ticket_type.held == 0


def test_a_paid_application_cannot_be_withdrawn():
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    application_approve(application=application, actor=event.organizer, now=timezone.now())

    with pytest.raises(ApplicationNotWithdrawable):
        application_withdraw(application=application, applicant=application.applicant, now=timezone.now())


def test_someone_else_cannot_withdraw_an_application():
    _event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)

    with pytest.raises(ApplicationNotWithdrawable):
        application_withdraw(application=application, applicant=UserFactory(), now=timezone.now())


def test_an_unpaid_approval_expires_with_its_order_and_the_places_return():
    event, ticket_type = approval_event(price="30.00")
    application = application_submitted(ticket_type=ticket_type)
    approved = application_approve(application=application, actor=event.organizer, now=timezone.now())
    later = approved.order.expires_at + timedelta(minutes=1)

    orders_expire_due(now=later)
    expired = applications_expire_due(now=later)

    application.refresh_from_db()
    ticket_type.refresh_from_db()
    assert expired == 1 and application.status == Application.Status.EXPIRED
    assert ticket_type.held == 0


def test_erasing_a_persons_applications_keeps_the_decision_but_not_the_data():
    _event, ticket_type = approval_event()
    application = application_submitted(
        ticket_type=ticket_type, attachments=[upload("cv.pdf", pdf_bytes())], answers=["Secret plans"]
    )

    applications_erase_for_user(user=application.applicant, now=timezone.now())

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.phone == "" and application.answers == [] and "@" in application.email
    assert not application.attachments.exists()


def test_deleting_the_account_erases_the_applications_personal_data():
    from accounts.services.profile import user_delete_account

    _event, ticket_type = approval_event()
    application = application_submitted(
        ticket_type=ticket_type, attachments=[upload("cv.pdf", pdf_bytes())], answers=["Secret plans"]
    )

    user_delete_account(user=application.applicant, ip_address=None, now=timezone.now())

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.phone == "" and application.answers == [] and application.team_name == ""
    assert not application.attachments.exists()


# --- the booking engine ----------------------------------------------------------------------------------


def test_direct_purchase_of_an_approval_required_event_is_still_refused():
    event, ticket_type = approval_event()

    with pytest.raises(SalesClosed):
        hold_create(buyer=UserFactory(), event=event, lines=[LineRequest(ticket_type.pk, 1)], now=timezone.now())

    assert TicketType.objects.get(pk=ticket_type.pk).held == 0
