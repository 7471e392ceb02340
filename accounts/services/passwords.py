from datetime import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.errors import InvalidCode, ResendTooSoon
from accounts.models import OneTimeCode, User
from accounts.selectors import user_get_by_email
from accounts.services.lockout import attempt_reserve, attempt_succeeded
from accounts.services.otp import otp_consume, otp_issue
from accounts.services.tokens import user_tokens_revoke_all
from core.services import audit_record
from notifications.services import email_queue


def password_reset_link(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def password_reset_request(*, email: str, now: datetime) -> None:
    """E-mail a reset link and a 6-digit code. Says nothing about whether the account exists.

    A request made too soon after the previous one is dropped silently for the same reason.
    """
    user = user_get_by_email(email)
    if user is None or not user.is_active or not user.has_usable_password():
        return
    try:
        code = otp_issue(user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET, sent_to=user.email, now=now)
    except ResendTooSoon:
        return
    email_queue(
        to=user.email,
        template="password_reset",
        context={"name": user.get_short_name(), "code": code, "link": password_reset_link(user=user)},
        sensitive=True,
    )


@transaction.atomic
def password_set(*, user: User, password: str, ip_address: str | None, now: datetime, reason: str) -> User:
    """Validate and set a new password, end every API session, and tell the owner by e-mail.

    Raises: ValidationError (weak password).
    """
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    user_tokens_revoke_all(user=user)
    audit_record(actor=user, action=f"account.password_{reason}", target=user, ip_address=ip_address, now=now)
    email_queue(to=user.email, template="password_changed", context={"name": user.get_short_name()})
    return user


def password_reset_with_code(*, email: str, code: str, password: str, ip_address: str | None, now: datetime) -> User:
    """Reset a forgotten password with the e-mailed code.

    Not one transaction on purpose: a wrong guess must stay counted.
    Raises: AccountLocked, CodeExpired, InvalidCode, ValidationError.
    """
    attempt_reserve(scope="otp", email=email, ip_address=ip_address, now=now)
    user = user_get_by_email(email)
    if user is None or not user.is_active:
        raise InvalidCode()
    validate_password(password, user)
    otp_consume(user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET, code=code, now=now)
    with transaction.atomic():
        if not user.is_verified:  # the code proves control of the address
            user.email_verified_at = now
            user.save(update_fields=["email_verified_at"])
        password_set(user=user, password=password, ip_address=ip_address, now=now, reason="reset")
    attempt_succeeded(scope="otp", email=email, ip_address=ip_address)
    return user
