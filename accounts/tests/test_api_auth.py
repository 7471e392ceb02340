import pytest
from django.core import mail
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import OneTimeCode, User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import code_sent_to, token_pair, wrong_code

pytestmark = pytest.mark.django_db

PASSWORD = "orbit-lantern-quietly-73"
NEW_PASSWORD = "violet-harbour-trombone-58"


def register(api_client, **overrides):
    payload = {
        "email": "ada@example.com",
        "password": PASSWORD,
        "name": "Ada Lovelace",
        "role": "attendee",
        **overrides,
    }
    return api_client.post(reverse("auth-register"), payload, format="json")


@pytest.fixture
def registered(api_client, django_capture_on_commit_callbacks):
    """Ada signed up through the API and received her code; returns the code."""
    with django_capture_on_commit_callbacks(execute=True):
        response = register(api_client)
    assert response.status_code == 201
    return code_sent_to("ada@example.com")


def verify(api_client, code, **extra):
    return api_client.post(reverse("auth-verify"), {"email": "ada@example.com", "code": code}, format="json", **extra)


# --- register ---------------------------------------------------------------------------------------


def test_register_api_creates_an_unverified_attendee(api_client):
    response = register(api_client)

    assert response.status_code == 201
    assert response.json()["role"] == "attendee"
    assert response.json()["email_verified"] is False


def test_register_api_creates_an_organizer_when_asked(api_client):
    response = register(api_client, role="organizer")

    assert response.status_code == 201
    assert User.objects.get(email="ada@example.com").role == User.Role.ORGANIZER


def test_register_api_refuses_the_admin_role(api_client):
    response = register(api_client, role="admin")

    assert response.status_code == 400
    assert "role" in response.json()["error"]["fields"]
    assert not User.objects.exists()


def test_register_api_answers_email_taken_for_an_address_in_another_case(api_client):
    UserFactory(email="ada@example.com")

    response = register(api_client, email="ADA@Example.COM")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_taken"


def test_register_api_refuses_a_weak_password_next_to_the_field(api_client):
    response = register(api_client, password="password")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["fields"]["password"]
    assert not User.objects.exists()


def test_register_api_emails_the_code(registered):
    assert len(registered) == 6
    assert mail.outbox[0].to == ["ada@example.com"]


def test_register_api_never_returns_the_password(api_client):
    response = register(api_client)

    assert "password" not in response.json()


# --- verify -----------------------------------------------------------------------------------------


def test_verify_api_with_the_right_code_verifies_the_account(api_client, registered):
    response = verify(api_client, registered)

    assert response.status_code == 200
    assert response.json()["email_verified"] is True


def test_verify_api_with_a_wrong_code_answers_invalid_code(api_client, registered):
    response = verify(api_client, wrong_code(registered))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_code"
    assert OneTimeCode.objects.get().attempts == 1


def test_verify_api_refuses_the_right_code_after_five_wrong_ones(api_client, registered):
    for _ in range(5):
        verify(api_client, wrong_code(registered))

    # From another IP address: the per-IP lockout would answer 429 first; the code itself is dead.
    response = verify(api_client, registered, REMOTE_ADDR="198.51.100.9")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "code_expired"


def test_verify_api_locks_the_ip_address_after_five_wrong_codes(api_client, registered):
    for _ in range(5):
        verify(api_client, wrong_code(registered))

    response = verify(api_client, registered)

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "account_locked"


def test_verify_api_refuses_a_malformed_code(api_client, registered):
    response = verify(api_client, "12ab56")

    assert response.status_code == 400
    assert "code" in response.json()["error"]["fields"]


# --- resend -----------------------------------------------------------------------------------------


def test_verify_resend_api_within_a_minute_answers_resend_too_soon(api_client, registered):
    response = api_client.post(reverse("auth-verify-resend"), {"email": "ada@example.com"}, format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "resend_too_soon"
    assert 0 < int(response["Retry-After"]) <= 60


def test_verify_resend_api_sends_a_new_code_to_a_waiting_account(api_client, django_capture_on_commit_callbacks):
    user = UserFactory(unverified=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(reverse("auth-verify-resend"), {"email": user.email}, format="json")

    assert response.status_code == 202
    assert mail.outbox[0].to == [user.email]


def test_verify_resend_api_answers_the_same_for_an_unknown_address(api_client, django_capture_on_commit_callbacks):
    user = UserFactory(unverified=True)
    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post(reverse("auth-verify-resend"), {"email": user.email}, format="json")

    with django_capture_on_commit_callbacks(execute=True):
        unknown = api_client.post(reverse("auth-verify-resend"), {"email": "nobody@example.com"}, format="json")

    assert (unknown.status_code, unknown.content) == (known.status_code, known.content) == (202, b"")
    assert [message.to for message in mail.outbox] == [[user.email]]


# --- token (sign in) --------------------------------------------------------------------------------


def test_token_api_refuses_a_wrong_password(api_client):
    user = UserFactory()

    response = api_client.post(
        reverse("auth-token"), {"email": user.email, "password": "nope-nope-nope"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_token_api_refuses_the_right_password_after_five_failures(api_client):
    user = UserFactory()
    for _ in range(5):
        api_client.post(reverse("auth-token"), {"email": user.email, "password": "nope-nope-nope"}, format="json")

    response = api_client.post(
        reverse("auth-token"), {"email": user.email, "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "account_locked"
    assert int(response["Retry-After"]) > 14 * 60


def test_token_api_does_not_lock_out_another_ip_address(api_client):
    user = UserFactory()
    for _ in range(5):
        api_client.post(reverse("auth-token"), {"email": user.email, "password": "nope-nope-nope"}, format="json")

    response = api_client.post(
        reverse("auth-token"),
        {"email": user.email, "password": DEFAULT_PASSWORD},
        format="json",
        REMOTE_ADDR="198.51.100.9",
    )

    assert response.status_code == 200


# --- password reset ---------------------------------------------------------------------------------


@pytest.fixture
def reset_requested(api_client, django_capture_on_commit_callbacks):
    """A verified user who asked for a reset through the API; returns (user, code)."""
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(reverse("auth-password-reset"), {"email": user.email}, format="json")
    assert response.status_code == 202
    return user, code_sent_to(user.email)


def reset_confirm(api_client, user, code, password=NEW_PASSWORD):
    payload = {"email": user.email, "code": code, "new_password": password}
    return api_client.post(reverse("auth-password-reset-confirm"), payload, format="json")


def test_password_reset_api_emails_a_link_and_a_code(reset_requested):
    _, code = reset_requested

    assert "/accounts/reset/" in mail.outbox[0].body
    assert len(code) == 6


def test_password_reset_api_answers_the_same_for_an_unknown_address(api_client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post(reverse("auth-password-reset"), {"email": user.email}, format="json")

    with django_capture_on_commit_callbacks(execute=True):
        unknown = api_client.post(reverse("auth-password-reset"), {"email": "nobody@example.com"}, format="json")

    assert (unknown.status_code, unknown.content) == (known.status_code, known.content) == (202, b"")
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_password_reset_confirm_api_sets_the_new_password(api_client, reset_requested):
    user, code = reset_requested

    response = reset_confirm(api_client, user, code)

    assert response.status_code == 204
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_password_reset_confirm_api_revokes_refresh_tokens(api_client, reset_requested):
    user, code = reset_requested
    token_pair(api_client, email=user.email, password=DEFAULT_PASSWORD)

    reset_confirm(api_client, user, code)

    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()


def test_password_reset_confirm_api_with_a_bad_code_answers_invalid_code(api_client, reset_requested):
    user, code = reset_requested

    response = reset_confirm(api_client, user, wrong_code(code))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_code"
    assert User.objects.get(pk=user.pk).check_password(DEFAULT_PASSWORD)


def test_password_reset_confirm_api_refuses_a_weak_password_next_to_the_field(api_client, reset_requested):
    user, code = reset_requested

    response = reset_confirm(api_client, user, code, password="123")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["new_password"]
