"""Deciding applications: approve (free and paid), decline, withdraw, expiry, erasure."""

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
    ApplicationNotWithdrawable,
    ApplicationsClosed,
    LimitExceeded,
    SoldOut,
)
from tickets.models import Application, Order, Ticket
from tickets.services.applications import (
    application_approve,
    application_decline,
    application_withdraw,
    applications_erase_for_user,
    applications_expire_due,
)
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import orders_expire_due
from tickets.tests.helpers_applications import (
    application_submitted,
    approval_event,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


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
