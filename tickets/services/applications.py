"""Applications to approval-required events (SPEC §4): apply → pending → approved or declined; the applicant
may withdraw while nothing is paid.

Approving reserves capacity through the booking engine itself (``hold_create(for_application=True)`` and
``order_checkout``), so the same row locks and counters guard it as any sale: a free application gets valid
tickets at once; a paid one gets a pending order whose deadline is APPLICATION_PAYMENT_DAYS away (never
after the start), paid through the ordinary pay page, and expired by the ordinary sweep if unpaid.

Every step is audited and e-mailed to the applicant's account address (verified), rendered into the outbox in
the same transaction.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User, phone_validator
from core.services import audit_record
from events.models import Event, TicketType
from tickets import locks
from tickets.attachments import attachments_check
from tickets.errors import (
    ApplicationAlreadyDecided,
    ApplicationExists,
    ApplicationNotWithdrawable,
    ApplicationsClosed,
    NotVerified,
    SoldOut,
)
from tickets.models import Application, ApplicationAttachment, Hold, Order
from tickets.selectors_applications import ticket_types_open_for_applications
from tickets.services.application_emails import (
    application_approved_queue,
    application_declined_queue,
    application_payment_link_queue,
    application_received_queue,
)
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_cancel_unpaid, order_checkout

logger = logging.getLogger(__name__)

MAX_ANSWER_LENGTH = 2000
MAX_REASON_LENGTH = 2000
DELETED_EMAIL = "deleted@deleted.invalid"


@dataclass(frozen=True)
class ApplicationDetails:
    """What the applicant types in: who they are and who comes with them."""

    name: str
    email: str
    phone: str
    team_name: str = ""
    team_members: tuple[str, ...] = field(default_factory=tuple)


def application_payment_deadline(*, event: Event, now: datetime) -> datetime:
    """When an application approved ``now`` must be paid: APPLICATION_PAYMENT_DAYS later, or the start."""
    return min(now + timedelta(days=settings.APPLICATION_PAYMENT_DAYS), event.starts_at)


# --- submit ------------------------------------------------------------------------------------------------


def _clean_details(details: ApplicationDetails, errors: dict) -> ApplicationDetails:
    name = " ".join((details.name or "").split())
    email = (details.email or "").strip()
    phone = (details.phone or "").strip()
    team_name = " ".join((details.team_name or "").split())
    members = [" ".join(str(member or "").split()) for member in details.team_members]
    if not name:
        errors["name"] = [_("Enter your name.")]
    elif len(name) > 150:
        errors["name"] = [_("Keep your name under 150 characters.")]
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("")
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    if not phone:
        errors["phone"] = [_("Enter a phone number the organizer can reach you on.")]
    else:
        try:
            phone_validator(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if len(team_name) > 100:
        errors["team_name"] = [_("Keep the team name under 100 characters.")]
    if any(not member for member in members):
        errors["team_members"] = [_("A team member's name is empty.")]
    elif any(len(member) > 150 for member in members):
        errors["team_members"] = [_("Keep each team member's name under 150 characters.")]
    elif len({member.casefold() for member in members}) != len(members):
        errors["team_members"] = [_("A team member is listed twice.")]
    if members and not team_name and "team_name" not in errors:
        errors["team_name"] = [_("Give your team a name.")]
    return ApplicationDetails(name=name, email=email, phone=phone, team_name=team_name, team_members=tuple(members))


def application_team_limit(*, event: Event, ticket_type: TicketType) -> int:
    """The most people one application may bring (the applicant included)."""
    limits = [event.max_tickets_per_order, ticket_type.max_per_order]
    if event.max_tickets_per_user:
        limits.append(event.max_tickets_per_user)
    return min(limits)


def _check_team_size(*, event: Event, ticket_type: TicketType, size: int, errors: dict) -> None:
    most = application_team_limit(event=event, ticket_type=ticket_type)
    if size > most:
        errors.setdefault("team_members", []).append(
            ngettext(
                "Only you can come on this application: list no team members.",
                "A team has at most %(most)d people: you and %(others)d others.",
                most,
            )
            % {"most": most, "others": most - 1}
        )
    elif size < ticket_type.min_per_order:
        errors.setdefault("team_members", []).append(
            _("%(type)s is for teams of at least %(least)d people: add your team members.")
            % {"type": ticket_type.name, "least": ticket_type.min_per_order}
        )


def _clean_answers(*, event: Event, answers: Sequence[str], errors: dict) -> list[dict]:
    questions = event.application_questions or []
    given = [str(answer or "").strip() for answer in answers][: len(questions)]
    given += [""] * (len(questions) - len(given))
    cleaned, problems = [], {}
    for index, (question, answer) in enumerate(zip(questions, given, strict=True)):
        if question.get("required", True) and not answer:
            problems[index] = _("Please answer this question.")
        elif len(answer) > MAX_ANSWER_LENGTH:
            problems[index] = _("Keep your answer under %(limit)s characters.") % {"limit": MAX_ANSWER_LENGTH}
        cleaned.append({"question": question["label"], "answer": answer})
    for index, message in problems.items():
        errors[f"answers.{index}"] = [message]
    return cleaned


@transaction.atomic
def application_submit(
    *,
    applicant: User,
    event: Event,
    ticket_type: TicketType | None,
    details: ApplicationDetails,
    answers: Sequence[str],
    attachments: Sequence[UploadedFile],
    now: datetime,
) -> Application:
    """Send an application for an approval-required event; it waits for the organizer's decision.

    Team members (names) come along on the same application: each gets a ticket when it is approved.
    Raises: NotVerified, ApplicationsClosed, ApplicationExists, ValidationError ({field: [messages]}; the
    answers are ``answers.<index>``).
    """
    if not applicant.is_verified:
        raise NotVerified(_("Please verify your e-mail address before applying."))
    if not event.requires_approval or event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        raise ApplicationsClosed()
    open_types = {tt.pk: tt for tt in ticket_types_open_for_applications(event=event, now=now)}
    if not open_types:
        raise ApplicationsClosed()
    if Application.objects.filter(applicant=applicant, event=event, status__in=Application.OPEN_STATUSES).exists():
        raise ApplicationExists()

    errors: dict[str, list[str]] = {}
    if ticket_type is None and len(open_types) == 1:
        ticket_type = next(iter(open_types.values()))
    if ticket_type is None or ticket_type.pk not in open_types:
        errors["ticket_type"] = [_("Choose what you are applying for.")]
    else:
        ticket_type = open_types[ticket_type.pk]
    details = _clean_details(details, errors)
    if "ticket_type" not in errors and "team_members" not in errors:
        _check_team_size(event=event, ticket_type=ticket_type, size=1 + len(details.team_members), errors=errors)
    cleaned_answers = _clean_answers(event=event, answers=answers, errors=errors)
    try:
        checked = attachments_check(attachments)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        checked = []
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            application = Application.objects.create(
                event=event,
                applicant=applicant,
                ticket_type=ticket_type,
                quantity=1 + len(details.team_members),
                name=details.name,
                email=details.email,
                phone=details.phone,
                team_name=details.team_name,
                team_members=list(details.team_members),
                answers=cleaned_answers,
            )
    except IntegrityError as exc:  # a double click raced past the check above
        raise ApplicationExists() from exc
    saved = []
    try:
        for item in checked:
            attachment = ApplicationAttachment(
                application=application,
                original_name=item.name,
                content_type=item.content_type,
                size=item.size,
                created_at=now,
            )
            attachment.file.save(item.name, item.upload, save=False)
            saved.append(attachment.file.name)
            attachment.save()
    except Exception:  # nothing may stay behind in storage for rows that will not exist
        storage = ApplicationAttachment._meta.get_field("file").storage
        for name in saved:
            storage.delete(name)
        raise
    audit_record(
        actor=applicant,
        action="application.submitted",
        target=application,
        data={"event": event.pk, "ticket_type": ticket_type.pk, "places": application.quantity},
        now=now,
    )
    application_received_queue(application=application, applicant=applicant)
    return application


# --- decisions ---------------------------------------------------------------------------------------------


def _locked_pending(*, application: Application) -> Application:
    """Lock the applicant, then the application (the global order: buyer → application → hold/order)."""
    User.objects.select_for_update().filter(pk=application.applicant_id).first()
    locked = locks.application_for_update(pk=application.pk)
    if locked is None:
        raise ApplicationAlreadyDecided()
    if locked.status != Application.Status.PENDING:
        raise ApplicationAlreadyDecided(
            _("This application is already %(status)s.") % {"status": locked.get_status_display().lower()}
        )
    return locked


@transaction.atomic
def application_approve(*, application: Application, actor: User, now: datetime) -> Application:
    """Accept a pending application: reserve its places and issue them.

    Free tickets are issued at once (a paid order of 0); otherwise a pending order holds the places until
    the payment deadline and the applicant is e-mailed the link to pay.
    Locks: the applicant, the application, then the hold, order and capacity (through the booking engine).
    Raises: ApplicationAlreadyDecided, ApplicationsClosed, SoldOut, LimitExceeded, Busy.
    """
    application = _locked_pending(application=application)
    event = application.event
    if event.status != Event.Status.PUBLISHED or event.ends_at <= now:
        raise ApplicationsClosed(_("The event is not on sale any more, so nobody can be approved."))
    applicant = User.objects.get(pk=application.applicant_id)
    try:
        hold = hold_create(
            buyer=applicant,
            event=event,
            lines=[LineRequest(application.ticket_type_id, application.quantity)],
            now=now,
            for_application=True,
        )
    except SoldOut as exc:
        raise SoldOut(
            ngettext(
                "There is no place left for this application (it needs %(count)d).",
                "There are not enough places left for this application (it needs %(count)d).",
                application.quantity,
            )
            % {"count": application.quantity}
        ) from exc
    if hold.total > 0:
        deadline = application_payment_deadline(event=event, now=now)
        if deadline <= now:
            raise ApplicationsClosed(_("The event has started: there is no time left to pay."))
        Hold.objects.filter(pk=hold.pk).update(expires_at=deadline)
        hold.expires_at = deadline
    order = order_checkout(
        hold=hold, buyer=applicant, attendee_names=[application.name, *application.team_members], now=now
    )
    application.status = Application.Status.APPROVED
    application.order, application.decided_by, application.decided_at = order, actor, now
    application.save(update_fields=["status", "order", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="application.approved",
        target=application,
        data={"order": order.code, "total": str(order.total), "paid": order.status == Order.Status.PAID},
        now=now,
    )
    if order.status == Order.Status.PAID:
        application_approved_queue(application=application, applicant=applicant, order=order)
    else:
        application_payment_link_queue(application=application, applicant=applicant, order=order)
    return application


@transaction.atomic
def application_decline(*, application: Application, actor: User, reason: str, now: datetime) -> Application:
    """Turn down a pending application; the reason is sent to the applicant.

    Locks: the applicant, then the application.
    Raises: ValidationError ({"reason": ...}), ApplicationAlreadyDecided.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Tell the applicant why: the reason is sent to them.")]})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": [_("Keep the reason under %(limit)s characters.") % {"limit": MAX_REASON_LENGTH}]}
        )
    application = _locked_pending(application=application)
    application.status, application.decline_reason = Application.Status.DECLINED, reason
    application.decided_by, application.decided_at = actor, now
    application.save(update_fields=["status", "decline_reason", "decided_by", "decided_at", "updated_at"])
    audit_record(actor=actor, action="application.declined", target=application, data={"reason": reason}, now=now)
    applicant = User.objects.get(pk=application.applicant_id)
    application_declined_queue(application=application, applicant=applicant, reason=reason)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, applicant: User, now: datetime) -> Application:
    """The applicant takes back a pending application, or an approved one not yet paid (its places go back).

    Locks: the applicant, the application, then its order and capacity.
    Raises: ApplicationNotWithdrawable (declined, withdrawn, expired or already paid).
    """
    User.objects.select_for_update().filter(pk=applicant.pk).first()
    locked = locks.application_for_update(pk=application.pk)
    if locked is None or locked.applicant_id != applicant.pk:
        raise ApplicationNotWithdrawable()
    if locked.status == Application.Status.APPROVED and locked.order_id:
        order = Order.objects.get(pk=locked.order_id)
        if order.status != Order.Status.PENDING:
            raise ApplicationNotWithdrawable(
                _("Your tickets are issued: cancel them from your order instead.")
                if order.status == Order.Status.PAID
                else None
            )
        order_cancel_unpaid(order=order, buyer=applicant, now=now)
    elif locked.status != Application.Status.PENDING:
        raise ApplicationNotWithdrawable()
    locked.status, locked.withdrawn_at = Application.Status.WITHDRAWN, now
    locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_record(actor=applicant, action="application.withdrawn", target=locked, now=now)
    return locked


def applications_expire_due(*, now: datetime) -> int:
    """Mark approved applications whose payment deadline passed unpaid as expired (the order's sweep already
    gave their places back); revive those whose late payment still got the order paid. Returns how many
    expired. Conditional updates only: no lock is taken."""
    expired = Application.objects.filter(
        status=Application.Status.APPROVED, order__status__in=[Order.Status.EXPIRED, Order.Status.CANCELLED]
    ).update(status=Application.Status.EXPIRED, updated_at=now)
    Application.objects.filter(status=Application.Status.EXPIRED, order__status=Order.Status.PAID).update(
        status=Application.Status.APPROVED, updated_at=now
    )
    return expired


@transaction.atomic
def applications_erase_for_user(*, user: User, now: datetime) -> int:
    """Erase the personal data of a person's applications (their account is being deleted). Pending ones are
    withdrawn; decisions, places and orders stay for the organizer's records. Files go after commit."""
    erased = 0
    for application in Application.objects.select_for_update().filter(applicant=user):
        if application.status == Application.Status.PENDING:
            application.status, application.withdrawn_at = Application.Status.WITHDRAWN, now
        application.name, application.email, application.phone = _("Deleted user"), DELETED_EMAIL, ""
        application.team_name, application.team_members, application.answers = "", [], []
        application.save()
        for attachment in application.attachments.all():
            transaction.on_commit(partial(attachment.file.storage.delete, attachment.file.name))
            attachment.delete()
        erased += 1
    return erased
