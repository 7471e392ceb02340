from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import resolve
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.errors import CodeExpired, InvalidCode
from accounts.models import User
from accounts.services.passwords import password_reset_request, password_reset_with_code, password_set
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import code_sent_to, wrong_code
from core.models import AuditLogEntry
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-harbour-trombone-58"
IP = "203.0.113.5"


@pytest.fixture
def reset_requested(django_capture_on_commit_callbacks):
    """A verified user who asked for a password reset; returns (user, code, now)."""
    user = UserFactory()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=user.email, now=now)
    return user, code_sent_to(user.email), now


def test_password_reset_request_emails_a_code(reset_requested):
    user, code, _ = reset_requested

    assert len(code) == 6
    assert mail.outbox[0].to == [user.email]


def test_password_reset_request_emails_a_working_link(reset_requested):
    user, _, _ = reset_requested
    link = next(word for word in mail.outbox[0].body.split() if "/reset/" in word)

    match = resolve(urlparse(link).path)

    assert force_str(urlsafe_base64_decode(match.kwargs["uidb64"])) == str(user.pk)
    assert default_token_generator.check_token(user, match.kwargs["token"])


def test_password_reset_request_marks_the_email_sensitive(reset_requested):
    assert OutboundEmail.objects.get(template="password_reset").sensitive


def test_password_reset_request_for_an_unknown_address_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email="nobody@example.com", now=timezone.now())

    assert mail.outbox == []


def test_password_reset_request_repeated_within_a_minute_is_dropped_silently(
    reset_requested, django_capture_on_commit_callbacks
):
    user, _, now = reset_requested

    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=user.email, now=now + timedelta(seconds=10))

    assert len(mail.outbox) == 1


def test_password_reset_with_code_sets_the_new_password(reset_requested):
    user, code, now = reset_requested

    password_reset_with_code(email=user.email, code=code, password=NEW_PASSWORD, ip_address=IP, now=now)

    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_password_reset_with_code_revokes_every_refresh_token(reset_requested):
    user, code, now = reset_requested
    RefreshToken.for_user(user)
    RefreshToken.for_user(user)

    password_reset_with_code(email=user.email, code=code, password=NEW_PASSWORD, ip_address=IP, now=now)

    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()


def test_password_reset_with_code_tells_the_owner(reset_requested, django_capture_on_commit_callbacks):
    user, code, now = reset_requested

    with django_capture_on_commit_callbacks(execute=True):
        password_reset_with_code(email=user.email, code=code, password=NEW_PASSWORD, ip_address=IP, now=now)

    assert mail.outbox[-1].to == [user.email]
    assert OutboundEmail.objects.filter(template="password_changed", to=user.email).exists()


def test_password_reset_with_code_records_an_audit_entry(reset_requested):
    user, code, now = reset_requested

    password_reset_with_code(email=user.email, code=code, password=NEW_PASSWORD, ip_address=IP, now=now)

    assert AuditLogEntry.objects.filter(action="account.password_reset", actor=user, ip_address=IP).exists()


def test_password_reset_with_code_verifies_an_unverified_address(django_capture_on_commit_callbacks):
    user = UserFactory(unverified=True)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=user.email, now=now)

    password_reset_with_code(
        email=user.email, code=code_sent_to(user.email), password=NEW_PASSWORD, ip_address=IP, now=now
    )

    assert User.objects.get(pk=user.pk).email_verified_at == now


def test_password_reset_with_a_wrong_code_keeps_the_old_password(reset_requested):
    user, code, now = reset_requested

    with pytest.raises(InvalidCode):
        password_reset_with_code(email=user.email, code=wrong_code(code), password=NEW_PASSWORD, ip_address=IP, now=now)

    assert User.objects.get(pk=user.pk).check_password(DEFAULT_PASSWORD)


def test_password_reset_with_a_weak_password_leaves_the_code_usable(reset_requested):
    user, code, now = reset_requested
    with pytest.raises(ValidationError):
        password_reset_with_code(email=user.email, code=code, password="12345", ip_address=IP, now=now)

    password_reset_with_code(email=user.email, code=code, password=NEW_PASSWORD, ip_address=IP, now=now)

    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_password_reset_with_code_cannot_reuse_the_code(reset_requested):
    user, code, now = reset_requested
    password_reset_with_code(email=user.email, code=code, password=NEW_PASSWORD, ip_address=IP, now=now)

    with pytest.raises(CodeExpired):
        password_reset_with_code(email=user.email, code=code, password="another-long-phrase-99", ip_address=IP, now=now)


def test_password_reset_with_code_for_an_unknown_address_raises_invalid_code():
    with pytest.raises(InvalidCode):
        password_reset_with_code(
            email="nobody@example.com", code="123456", password=NEW_PASSWORD, ip_address=IP, now=timezone.now()
        )


def test_password_set_refuses_a_password_like_the_name():
    user = UserFactory(name="Marguerite Yourcenar", email="marguerite@example.com")

    with pytest.raises(ValidationError):
        password_set(user=user, password="marguerite@example.com", ip_address=IP, now=timezone.now(), reason="changed")

    assert User.objects.get(pk=user.pk).check_password(DEFAULT_PASSWORD)
