from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts.errors import AlreadyVerified, CodeExpired, EmailTaken, InvalidCode, InvalidRole, ResendTooSoon
from accounts.models import OneTimeCode, User
from accounts.services.registration import user_register, user_verify_email, verification_resend
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import code_sent_to, wrong_code
from core.models import AuditLogEntry
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

PASSWORD = "orbit-lantern-quietly-73"


def register(*, now, email="ada@example.com", role=User.Role.ATTENDEE, password=PASSWORD) -> User:
    return user_register(email=email, password=password, name="Ada Lovelace", role=role, now=now)


def test_user_register_creates_an_unverified_attendee():
    user = register(now=timezone.now())

    user.refresh_from_db()
    assert user.role == User.Role.ATTENDEE
    assert not user.is_verified
    assert user.check_password(PASSWORD)


def test_user_register_keeps_the_organizer_role():
    user = register(role=User.Role.ORGANIZER, now=timezone.now())

    assert User.objects.get(pk=user.pk).role == User.Role.ORGANIZER


def test_user_register_refuses_the_admin_role():
    with pytest.raises(InvalidRole):
        register(role=User.Role.ADMIN, now=timezone.now())

    assert not User.objects.exists()


def test_user_register_stores_the_address_in_lower_case():
    user = register(email="Ada.Lovelace@Example.COM", now=timezone.now())

    assert User.objects.get(pk=user.pk).email == "ada.lovelace@example.com"


def test_user_register_refuses_a_taken_address_in_any_case():
    UserFactory(email="ada@example.com")

    with pytest.raises(EmailTaken):
        register(email="ADA@Example.com", now=timezone.now())

    assert User.objects.count() == 1


def test_user_register_refuses_a_weak_password():
    with pytest.raises(ValidationError):
        register(password="password", now=timezone.now())

    assert not User.objects.exists()


def test_user_register_emails_a_six_digit_code(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(now=timezone.now())

    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert len(code_sent_to("ada@example.com")) == 6


def test_user_register_keeps_the_code_out_of_the_database(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(now=timezone.now())
    code = code_sent_to("ada@example.com")

    assert not OneTimeCode.objects.filter(code_hash__contains=code).exists()
    assert not OutboundEmail.objects.filter(
        Q(subject__contains=code) | Q(body_text__contains=code) | Q(body_html__contains=code)
    ).exists()


def test_user_verify_email_with_the_right_code_verifies_the_account(django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        user = register(now=now)

    user_verify_email(email=user.email, code=code_sent_to(user.email), ip_address="203.0.113.5", now=now)

    user.refresh_from_db()
    assert user.email_verified_at == now
    assert AuditLogEntry.objects.filter(action="account.verified", actor=user).exists()


def test_user_verify_email_accepts_the_address_in_another_case(django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        user = register(now=now)

    user_verify_email(email="ADA@example.com", code=code_sent_to(user.email), ip_address="203.0.113.5", now=now)

    assert User.objects.get(pk=user.pk).is_verified


def test_user_verify_email_with_a_wrong_code_counts_an_attempt(django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        user = register(now=now)

    with pytest.raises(InvalidCode):
        user_verify_email(
            email=user.email, code=wrong_code(code_sent_to(user.email)), ip_address="203.0.113.5", now=now
        )

    assert OneTimeCode.objects.get(user=user).attempts == 1
    assert not User.objects.get(pk=user.pk).is_verified


def test_user_verify_email_refuses_the_right_code_after_five_wrong_ones(django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        user = register(now=now)
    code = code_sent_to(user.email)
    for _ in range(5):
        with pytest.raises((InvalidCode, CodeExpired)):
            user_verify_email(email=user.email, code=wrong_code(code), ip_address="203.0.113.5", now=now)

    # From another address, so the per-IP lockout is not what refuses it: the code itself is dead.
    with pytest.raises(CodeExpired):
        user_verify_email(email=user.email, code=code, ip_address="198.51.100.9", now=now)

    assert not User.objects.get(pk=user.pk).is_verified


def test_user_verify_email_refuses_a_code_after_ten_minutes(django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        user = register(now=now)

    with pytest.raises(CodeExpired):
        user_verify_email(
            email=user.email, code=code_sent_to(user.email), ip_address="203.0.113.5", now=now + timedelta(minutes=10)
        )

    assert not User.objects.get(pk=user.pk).is_verified


def test_user_verify_email_refuses_an_already_verified_account():
    user = UserFactory()

    with pytest.raises(AlreadyVerified):
        user_verify_email(email=user.email, code="123456", ip_address="203.0.113.5", now=timezone.now())


def test_user_verify_email_refuses_an_unknown_address():
    with pytest.raises(InvalidCode):
        user_verify_email(email="nobody@example.com", code="123456", ip_address="203.0.113.5", now=timezone.now())


def test_verification_resend_within_a_minute_raises_resend_too_soon():
    now = timezone.now()
    user = register(now=now)

    with pytest.raises(ResendTooSoon) as raised:
        verification_resend(email=user.email, now=now + timedelta(seconds=30))

    assert raised.value.retry_after == 30


def test_verification_resend_after_a_minute_emails_a_new_code(django_capture_on_commit_callbacks):
    now = timezone.now()
    user = register(now=now)

    with django_capture_on_commit_callbacks(execute=True):
        verification_resend(email=user.email, now=now + timedelta(seconds=61))

    assert len(mail.outbox) == 1
    assert OneTimeCode.objects.filter(user=user, used_at__isnull=True).count() == 1


def test_verification_resend_new_code_verifies_the_account(django_capture_on_commit_callbacks):
    now = timezone.now()
    user = register(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        verification_resend(email=user.email, now=now + timedelta(seconds=61))

    user_verify_email(
        email=user.email, code=code_sent_to(user.email), ip_address="203.0.113.5", now=now + timedelta(seconds=90)
    )

    assert User.objects.get(pk=user.pk).is_verified


def test_verification_resend_ignores_an_unknown_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verification_resend(email="nobody@example.com", now=timezone.now())

    assert mail.outbox == []


def test_verification_resend_ignores_a_verified_account(django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        verification_resend(email=user.email, now=timezone.now())

    assert mail.outbox == []
