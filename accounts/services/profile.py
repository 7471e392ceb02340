import uuid
from datetime import datetime

from django.db import transaction

from accounts.errors import EmailTaken
from accounts.models import OneTimeCode, User
from accounts.selectors import user_get_by_email
from accounts.services.lockout import attempt_reserve, attempt_succeeded
from accounts.services.otp import otp_consume, otp_issue
from accounts.services.tokens import user_tokens_revoke_all
from core.services import audit_record, audit_target_anonymise
from notifications.services import email_erase_recipient, email_queue

PROFILE_FIELDS = ("name", "phone", "city", "birth_year", "gender", "demographics_consent")


@transaction.atomic
def user_update_profile(*, user: User, data: dict, ip_address: str | None = None, now: datetime) -> User:
    """Change the editable profile fields present in ``data`` (and the avatar when given).

    Without consent, birth year and gender are not kept: they only serve aggregated demographics.
    """
    changed = []
    for field in PROFILE_FIELDS:
        if field in data and getattr(user, field) != data[field]:
            setattr(user, field, data[field])
            changed.append(field)
    if "avatar" in data and data["avatar"] is not None:
        if user.avatar:
            user.avatar.delete(save=False)
        user.avatar = data["avatar"] or ""
        changed.append("avatar")
    if not user.demographics_consent and (user.birth_year or user.gender):
        user.birth_year, user.gender = None, ""
        changed += ["birth_year", "gender"]
    if changed:
        user.full_clean(exclude=["password", "email"])
        user.save(update_fields=sorted(set(changed)))
        audit_record(
            actor=user,
            action="account.profile_updated",
            target=user,
            data={"fields": sorted(set(changed))},
            ip_address=ip_address,
            now=now,
        )
    return user


@transaction.atomic
def email_change_request(*, user: User, new_email: str, now: datetime) -> None:
    """Send a code to the new address; the change happens when the code comes back.

    Raises: EmailTaken, ResendTooSoon.
    """
    new_email = User.objects.normalize_email(new_email.strip()).lower()
    if user_get_by_email(new_email):
        raise EmailTaken()
    code = otp_issue(user=user, purpose=OneTimeCode.Purpose.EMAIL_CHANGE, sent_to=new_email, now=now)
    email_queue(
        to=new_email,
        template="email_change",
        context={"name": user.get_short_name(), "code": code, "new_email": new_email},
        sensitive=True,
    )


def email_change_confirm(*, user: User, code: str, ip_address: str | None, now: datetime) -> User:
    """Switch the login address to the one the code was sent to, and warn the old address.

    Raises: AccountLocked, CodeExpired, InvalidCode, EmailTaken.
    """
    attempt_reserve(scope="otp", email=user.email, ip_address=ip_address, now=now)
    otp = otp_consume(user=user, purpose=OneTimeCode.Purpose.EMAIL_CHANGE, code=code, now=now)
    attempt_succeeded(scope="otp", email=user.email, ip_address=ip_address)
    old_email = user.email
    with transaction.atomic():
        if user_get_by_email(otp.sent_to):
            raise EmailTaken()
        user.email = otp.sent_to
        user.email_verified_at = now
        user.save(update_fields=["email", "email_verified_at"])
        audit_record(
            actor=user,
            action="account.email_changed",
            target=user,
            data={"from": old_email, "to": user.email},
            ip_address=ip_address,
            now=now,
        )
        email_queue(
            to=old_email, template="email_changed", context={"name": user.get_short_name(), "new_email": user.email}
        )
    return user


@transaction.atomic
def user_delete_account(*, user: User, ip_address: str | None, now: datetime) -> User:
    """Anonymise the account and switch it off. Orders and check-ins keep their (now anonymous) owner;
    event applications lose their personal data and attachments (pending ones are withdrawn)."""
    from tickets.services.applications import applications_erase_for_user  # tickets depends on accounts

    old_email = user.email
    if user.avatar:
        user.avatar.delete(save=False)
    user.email = f"deleted-{uuid.uuid4().hex}@deleted.invalid"
    user.name = "Deleted user"
    user.phone = user.city = user.gender = ""
    user.birth_year = None
    user.demographics_consent = False
    user.avatar = ""
    user.is_active = False
    user.anonymised_at = now
    user.set_unusable_password()
    user.save()
    user.one_time_codes.all().delete()
    applications_erase_for_user(user=user, now=now)
    user_tokens_revoke_all(user=user)
    audit_target_anonymise(target=user, erase_data_of=["account.email_changed"])
    audit_record(actor=user, action="account.deleted", target=user, ip_address=ip_address, now=now)
    email_erase_recipient(to=old_email)
    email_queue(to=old_email, template="account_deleted", context={}, sensitive=True)
    return user


@transaction.atomic
def user_set_role(*, user: User, role: str, actor: User, ip_address: str | None = None, now: datetime) -> User:
    """Give a user another role (admins only; the interfaces check that)."""
    previous = user.role
    if previous == role:
        return user
    user.role = role
    user.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="account.role_changed",
        target=user,
        data={"from": previous, "to": role},
        ip_address=ip_address,
        now=now,
    )
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User, ip_address: str | None = None, now: datetime) -> User:
    """Deactivate (ending every session and API token) or reactivate an account."""
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user_tokens_revoke_all(user=user)
    audit_record(
        actor=actor,
        action="account.activated" if active else "account.deactivated",
        target=user,
        ip_address=ip_address,
        now=now,
    )
    return user
