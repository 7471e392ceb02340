from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction

from accounts.errors import AlreadyVerified, EmailTaken, InvalidCode, InvalidRole
from accounts.models import OneTimeCode, User
from accounts.selectors import user_get_by_email
from accounts.services.lockout import attempt_reserve, attempt_succeeded
from accounts.services.otp import otp_consume, otp_issue
from core.services import audit_record
from notifications.services import email_queue

SELF_SERVICE_ROLES = (User.Role.ATTENDEE, User.Role.ORGANIZER)


def _send_verification_code(*, user: User, now: datetime) -> None:
    code = otp_issue(user=user, purpose=OneTimeCode.Purpose.VERIFY_EMAIL, sent_to=user.email, now=now)
    email_queue(
        to=user.email,
        template="verify_email",
        context={"name": user.get_short_name(), "code": code},
        sensitive=True,
    )


@transaction.atomic
def user_register(*, email: str, password: str, name: str, role: str, now: datetime) -> User:
    """Create an unverified account and e-mail it a verification code.

    Raises: EmailTaken, InvalidRole, ValidationError (weak password).
    """
    if role not in SELF_SERVICE_ROLES:
        raise InvalidRole()
    email = User.objects.normalize_email(email.strip()).lower()
    if user_get_by_email(email):
        raise EmailTaken()
    user = User(email=email, name=name.strip(), role=role, date_joined=now)
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up with the same address
        raise EmailTaken() from exc
    _send_verification_code(user=user, now=now)
    return user


@transaction.atomic
def verification_resend(*, email: str, now: datetime) -> None:
    """Send a new code to an unverified account. Unknown or verified addresses are silently ignored,
    so the answer never reveals whether an account exists.

    Raises: ResendTooSoon.
    """
    user = user_get_by_email(email)
    if user is None or user.is_verified or not user.is_active:
        return
    _send_verification_code(user=user, now=now)


def user_verify_email(*, email: str, code: str, ip_address: str | None, now: datetime) -> User:
    """Mark the account verified when the code is right.

    Not one transaction on purpose: a failed guess must stay counted.
    Raises: AccountLocked, AlreadyVerified, CodeExpired, InvalidCode.
    """
    attempt_reserve(scope="otp", email=email, ip_address=ip_address, now=now)
    user = user_get_by_email(email)
    if user is None or not user.is_active:
        raise InvalidCode()
    if user.is_verified:
        raise AlreadyVerified()
    otp_consume(user=user, purpose=OneTimeCode.Purpose.VERIFY_EMAIL, code=code, now=now)
    attempt_succeeded(scope="otp", email=email, ip_address=ip_address)
    User.objects.filter(pk=user.pk).update(email_verified_at=now)
    user.email_verified_at = now
    audit_record(actor=user, action="account.verified", target=user, ip_address=ip_address, now=now)
    return user
