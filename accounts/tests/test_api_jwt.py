import base64
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User
from accounts.services.profile import user_set_active
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import code_sent_to, token_pair

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-harbour-trombone-58"
ME = "/api/v1/auth/me/"
REFRESH = "/api/v1/auth/token/refresh/"


@pytest.fixture
def user():
    return UserFactory(name="Ada Lovelace", city="London")


@pytest.fixture
def tokens(api_client, user):
    return token_pair(api_client, email=user.email, password=DEFAULT_PASSWORD)


def me(api_client, access: str):
    return api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {access}")


def refresh(api_client, refresh_token: str):
    return api_client.post(REFRESH, {"refresh": refresh_token}, format="json")


def assert_unauthorised(response) -> None:
    assert response.status_code == 401, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] and error["message"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- happy paths ------------------------------------------------------------------------------------


def test_token_api_returns_an_access_and_a_refresh_token(tokens):
    assert set(tokens) == {"access", "refresh"}


def test_token_api_access_token_lives_at_most_fifteen_minutes(tokens):
    access = AccessToken(tokens["access"])

    assert access["exp"] - access["iat"] <= 15 * 60


def test_token_refresh_api_rotates_the_refresh_token(api_client, tokens):
    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert response.json()["refresh"] != tokens["refresh"]


def test_token_refresh_api_new_access_token_works(api_client, tokens):
    new_access = refresh(api_client, tokens["refresh"]).json()["access"]

    response = me(api_client, new_access)

    assert response.status_code == 200


def test_me_api_returns_my_account(api_client, user, tokens):
    response = me(api_client, tokens["access"])

    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert response.json()["email_verified"] is True


def test_me_api_patch_changes_my_profile(api_client, user, tokens):
    response = api_client.patch(
        ME, {"name": "Ada King", "city": "Oslo"}, format="json", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}"
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.name, user.city) == ("Ada King", "Oslo")


@pytest.mark.parametrize("field, value", [("email", "mallory@example.com"), ("role", "admin")])
def test_me_api_patch_refuses_protected_fields_and_changes_nothing(api_client, user, tokens, field, value):
    before = User.objects.values().get(pk=user.pk)

    response = api_client.patch(
        ME, {"name": "Mallory", field: value}, format="json", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}"
    )

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert User.objects.values().get(pk=user.pk) == before


def test_me_api_without_a_token_answers_401(api_client):
    response = api_client.get(ME)

    assert_unauthorised(response)


# --- forged or stale access tokens ------------------------------------------------------------------


def test_me_api_refuses_an_expired_access_token(api_client, user):
    access = AccessToken.for_user(user)
    access.set_exp(from_time=timezone.now() - timedelta(hours=1), lifetime=timedelta(minutes=10))

    response = me(api_client, str(access))

    assert_unauthorised(response)


def test_me_api_refuses_a_tampered_signature(api_client, tokens):
    header, payload, signature = tokens["access"].split(".")
    # Flip the first character: the last one may only carry padding bits.
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    response = me(api_client, f"{header}.{payload}.{flipped}")

    assert_unauthorised(response)


def test_me_api_refuses_a_tampered_payload(api_client, user, tokens):
    header, payload, signature = tokens["access"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["user_id"] = str(UserFactory(admin=True).pk)

    response = me(api_client, f"{header}.{b64url(json.dumps(claims).encode())}.{signature}")

    assert_unauthorised(response)


def test_me_api_refuses_an_unsigned_alg_none_token(api_client, tokens):
    payload = tokens["access"].split(".")[1]
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())

    response = me(api_client, f"{header}.{payload}.")

    assert_unauthorised(response)


def test_me_api_refuses_a_refresh_token_used_as_access_token(api_client, tokens):
    response = me(api_client, tokens["refresh"])

    assert_unauthorised(response)


# --- refresh tokens that must no longer work ---------------------------------------------------------


def test_token_refresh_api_refuses_a_rotated_refresh_token(api_client, tokens):
    assert refresh(api_client, tokens["refresh"]).status_code == 200

    response = refresh(api_client, tokens["refresh"])

    assert_unauthorised(response)


def test_token_refresh_api_refuses_an_expired_refresh_token(api_client, user):
    stale = RefreshToken.for_user(user)
    stale.set_exp(from_time=timezone.now() - timedelta(days=30), lifetime=timedelta(days=14))

    response = refresh(api_client, str(stale))

    assert_unauthorised(response)


def test_token_refresh_api_refuses_an_access_token(api_client, tokens):
    response = refresh(api_client, tokens["access"])

    assert_unauthorised(response)


def test_token_refresh_api_refuses_a_tampered_refresh_token(api_client, tokens):
    header, payload, signature = tokens["refresh"].split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    response = refresh(api_client, f"{header}.{payload}.{flipped}")

    assert_unauthorised(response)


def test_token_refresh_api_refuses_an_alg_none_refresh_token(api_client, tokens):
    payload = tokens["refresh"].split(".")[1]
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())

    response = refresh(api_client, f"{header}.{payload}.")

    assert_unauthorised(response)


def test_token_refresh_api_refuses_a_token_after_logout(api_client, tokens):
    logout = api_client.post(reverse("auth-logout"), {"refresh": tokens["refresh"]}, format="json")
    assert logout.status_code == 204

    response = refresh(api_client, tokens["refresh"])

    assert_unauthorised(response)


def test_token_refresh_api_refuses_a_deactivated_account(api_client, user, tokens):
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = refresh(api_client, tokens["refresh"])

    assert_unauthorised(response)


def test_token_refresh_api_refuses_an_account_deactivated_by_an_admin(api_client, user, tokens):
    user_set_active(user=user, active=False, actor=UserFactory(admin=True), now=timezone.now())

    response = refresh(api_client, tokens["refresh"])

    assert_unauthorised(response)


def test_me_api_refuses_the_access_token_of_a_deactivated_account(api_client, user, tokens):
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = me(api_client, tokens["access"])

    assert_unauthorised(response)


def change_password(api_client, tokens):
    response = api_client.post(
        reverse("auth-password-change"),
        {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['access']}",
    )
    assert response.status_code == 204, response.content


def test_token_refresh_api_refuses_a_token_from_before_a_password_change(api_client, tokens):
    change_password(api_client, tokens)

    response = refresh(api_client, tokens["refresh"])

    assert_unauthorised(response)


def test_me_api_refuses_an_access_token_from_before_a_password_change(api_client, tokens):
    change_password(api_client, tokens)

    response = me(api_client, tokens["access"])

    assert_unauthorised(response)


def test_token_refresh_api_refuses_a_token_from_before_a_password_reset(
    api_client, user, tokens, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(reverse("auth-password-reset"), {"email": user.email}, format="json")
    confirm = api_client.post(
        reverse("auth-password-reset-confirm"),
        {"email": user.email, "code": code_sent_to(user.email), "new_password": NEW_PASSWORD},
        format="json",
    )
    assert confirm.status_code == 204

    response = refresh(api_client, tokens["refresh"])

    assert_unauthorised(response)


def test_token_refresh_api_refuses_a_password_changed_without_revoking_tokens(api_client, user, tokens):
    # Even if the password is set behind the services' back (shell, admin), the token's password claim fails.
    user.set_password(NEW_PASSWORD)
    user.save(update_fields=["password"])

    response = refresh(api_client, tokens["refresh"])

    assert_unauthorised(response)


def test_password_change_api_refuses_a_wrong_old_password(api_client, tokens):
    response = api_client.post(
        reverse("auth-password-change"),
        {"old_password": "not-my-password", "new_password": NEW_PASSWORD},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['access']}",
    )

    assert response.status_code == 400
    assert "old_password" in response.json()["error"]["fields"]


def test_logout_api_refuses_a_garbage_token(api_client):
    response = api_client.post(reverse("auth-logout"), {"refresh": "not-a-token"}, format="json")

    assert response.status_code == 400
    assert "refresh" in response.json()["error"]["fields"]
