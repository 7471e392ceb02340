import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.errors import AccountLocked, CodeExpired, InvalidCode, InvalidCredentials
from accounts.models import AuthFailureCounter, User
from accounts.services.authentication import user_authenticate
from accounts.services.lockout import attempt_reserve, attempt_succeeded, counters_purge_stale
from accounts.services.registration import user_register, user_verify_email, verification_resend
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import code_sent_to, wrong_code

IP = "203.0.113.5"
OTHER_IP = "198.51.100.9"


def fail_logins(user: User, *, times: int, ip_address: str = IP, now) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            user_authenticate(
                request=None, email=user.email, password="not-the-password", ip_address=ip_address, now=now
            )


@pytest.mark.django_db
def test_attempt_reserve_refuses_the_sixth_attempt():
    now = timezone.now()
    for _ in range(5):
        attempt_reserve(scope="login", email="ada@example.com", ip_address=IP, now=now)

    with pytest.raises(AccountLocked):
        attempt_reserve(scope="login", email="ada@example.com", ip_address=IP, now=now)


@pytest.mark.django_db
def test_attempt_reserve_reports_the_seconds_left_in_the_cool_down():
    now = timezone.now()
    for _ in range(5):
        attempt_reserve(scope="login", email="ada@example.com", ip_address=IP, now=now)

    with pytest.raises(AccountLocked) as raised:
        attempt_reserve(scope="login", email="ada@example.com", ip_address=IP, now=now + timedelta(minutes=5))

    assert raised.value.retry_after == 10 * 60


@pytest.mark.django_db
def test_attempt_reserve_counts_the_address_in_any_case_as_one_account():
    now = timezone.now()
    for email in ["ada@example.com", "ADA@example.com", "Ada@Example.com", " ada@example.com", "ada@EXAMPLE.com"]:
        attempt_reserve(scope="login", email=email, ip_address=IP, now=now)

    with pytest.raises(AccountLocked):
        attempt_reserve(scope="login", email="ada@example.com", ip_address=IP, now=now)


@pytest.mark.django_db
def test_attempt_succeeded_forgets_the_failures():
    now = timezone.now()
    for _ in range(4):
        attempt_reserve(scope="login", email="ada@example.com", ip_address=IP, now=now)

    attempt_succeeded(scope="login", email="ada@example.com", ip_address=IP)

    assert AuthFailureCounter.objects.get().failures == 0


@pytest.mark.django_db
def test_user_authenticate_refuses_the_right_password_after_five_failures():
    user = UserFactory()
    now = timezone.now()
    fail_logins(user, times=5, now=now)

    with pytest.raises(AccountLocked):
        user_authenticate(request=None, email=user.email, password=DEFAULT_PASSWORD, ip_address=IP, now=now)


@pytest.mark.django_db
def test_user_authenticate_does_not_lock_another_ip_address():
    user = UserFactory()
    now = timezone.now()
    fail_logins(user, times=5, now=now)

    signed_in = user_authenticate(
        request=None, email=user.email, password=DEFAULT_PASSWORD, ip_address=OTHER_IP, now=now
    )

    assert signed_in == user


@pytest.mark.django_db
def test_user_authenticate_accepts_the_right_password_after_the_cool_down():
    user = UserFactory()
    now = timezone.now()
    fail_logins(user, times=5, now=now)

    signed_in = user_authenticate(
        request=None, email=user.email, password=DEFAULT_PASSWORD, ip_address=IP, now=now + timedelta(minutes=15)
    )

    assert signed_in == user


@pytest.mark.django_db
def test_user_authenticate_still_locks_just_before_the_cool_down_ends():
    user = UserFactory()
    now = timezone.now()
    fail_logins(user, times=5, now=now)

    with pytest.raises(AccountLocked):
        user_authenticate(
            request=None,
            email=user.email,
            password=DEFAULT_PASSWORD,
            ip_address=IP,
            now=now + timedelta(minutes=14, seconds=59),
        )


@pytest.mark.django_db
def test_user_authenticate_success_resets_the_counter():
    user = UserFactory()
    now = timezone.now()
    fail_logins(user, times=4, now=now)
    user_authenticate(request=None, email=user.email, password=DEFAULT_PASSWORD, ip_address=IP, now=now)

    fail_logins(user, times=4, now=now)

    assert AuthFailureCounter.objects.get(scope="login").failures == 4


@pytest.mark.django_db
def test_user_authenticate_treats_a_deactivated_account_like_a_wrong_password():
    user = UserFactory(is_active=False)

    with pytest.raises(InvalidCredentials):
        user_authenticate(request=None, email=user.email, password=DEFAULT_PASSWORD, ip_address=IP, now=timezone.now())


@pytest.mark.django_db
def test_counters_purge_stale_deletes_only_counters_past_their_cool_down():
    now = timezone.now()
    attempt_reserve(scope="login", email="old@example.com", ip_address=IP, now=now - timedelta(minutes=20))
    attempt_reserve(scope="login", email="new@example.com", ip_address=IP, now=now)

    deleted = counters_purge_stale(now=now)

    assert deleted == 1
    assert list(AuthFailureCounter.objects.values_list("email", flat=True)) == ["new@example.com"]


@pytest.fixture
def locked_out_of_verification(db, django_capture_on_commit_callbacks):
    """An unverified account that guessed five wrong codes from IP, then asked for a new code."""
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        user = user_register(
            email="ada@example.com", password="orbit-lantern-quietly-73", name="Ada", role="attendee", now=now
        )
    first_code = code_sent_to(user.email)
    for _ in range(5):
        with pytest.raises((InvalidCode, CodeExpired)):
            user_verify_email(email=user.email, code=wrong_code(first_code), ip_address=IP, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        verification_resend(email=user.email, now=now + timedelta(seconds=61))
    return user, code_sent_to(user.email), now + timedelta(seconds=62)


def test_user_verify_email_refuses_the_right_code_from_a_locked_out_ip(locked_out_of_verification):
    user, code, now = locked_out_of_verification

    with pytest.raises(AccountLocked):
        user_verify_email(email=user.email, code=code, ip_address=IP, now=now)

    assert not User.objects.get(pk=user.pk).is_verified


def test_user_verify_email_accepts_the_right_code_from_another_ip(locked_out_of_verification):
    user, code, now = locked_out_of_verification

    user_verify_email(email=user.email, code=code, ip_address=OTHER_IP, now=now)

    assert User.objects.get(pk=user.pk).is_verified


def test_user_verify_email_accepts_a_right_code_after_the_cool_down(
    locked_out_of_verification, django_capture_on_commit_callbacks
):
    user, _, now = locked_out_of_verification
    later = now + timedelta(minutes=15)
    with django_capture_on_commit_callbacks(execute=True):
        verification_resend(email=user.email, now=later)

    user_verify_email(email=user.email, code=code_sent_to(user.email), ip_address=IP, now=later)

    assert User.objects.get(pk=user.pk).is_verified


@pytest.mark.django_db
def test_login_page_refuses_the_right_password_after_five_failures(client):
    user = UserFactory()
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"email": user.email, "password": "not-the-password"})

    response = client.post(url, {"email": user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_user_authenticate_counts_concurrent_failures_exactly():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so the row-lock race cannot happen there")
    user = UserFactory()
    now = timezone.now()
    threads_count = 20
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []

    def guess() -> None:
        try:
            barrier.wait(timeout=10)
            user_authenticate(request=None, email=user.email, password="not-the-password", ip_address=IP, now=now)
        except InvalidCredentials:
            outcomes.append("invalid")
        except AccountLocked:
            outcomes.append("locked")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["invalid"] * 5 + ["locked"] * 15
    assert AuthFailureCounter.objects.get(scope="login", email=user.email, ip_address=IP).failures == 5
