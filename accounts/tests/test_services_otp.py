from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.errors import CodeExpired, InvalidCode, ResendTooSoon
from accounts.models import OneTimeCode
from accounts.services.otp import otp_consume, otp_issue
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import wrong_code

pytestmark = pytest.mark.django_db

VERIFY = OneTimeCode.Purpose.VERIFY_EMAIL


def test_otp_issue_returns_six_digits():
    user = UserFactory(unverified=True)

    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=timezone.now())

    assert len(code) == 6
    assert code.isdigit()


def test_otp_issue_stores_a_hash_and_never_the_code():
    user = UserFactory(unverified=True)

    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=timezone.now())

    stored = OneTimeCode.objects.get(user=user)
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64


def test_otp_issue_refuses_a_second_code_within_the_resend_interval():
    user = UserFactory(unverified=True)
    now = timezone.now()
    otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now)

    with pytest.raises(ResendTooSoon) as raised:
        otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now + timedelta(seconds=20))

    assert raised.value.retry_after == 40


def test_otp_issue_measures_the_resend_interval_from_the_given_now():
    user = UserFactory(unverified=True)
    earlier = timezone.now() - timedelta(minutes=5)
    otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=earlier)

    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=earlier + timedelta(seconds=61))

    assert len(code) == 6


def test_otp_issue_refuses_a_sixth_code_within_an_hour():
    user = UserFactory(unverified=True)
    now = timezone.now()
    for minute in range(5):
        otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now + timedelta(minutes=minute * 2))

    with pytest.raises(ResendTooSoon) as raised:
        otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now + timedelta(minutes=10))

    assert raised.value.retry_after == 3600


def test_otp_issue_makes_the_previous_code_unusable():
    user = UserFactory(unverified=True)
    now = timezone.now()
    old_code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now)
    otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now + timedelta(seconds=61))

    with pytest.raises((CodeExpired, InvalidCode)):
        otp_consume(user=user, purpose=VERIFY, code=old_code, now=now + timedelta(seconds=62))


def test_otp_consume_accepts_the_right_code_and_marks_it_used():
    user = UserFactory(unverified=True)
    now = timezone.now()
    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now)

    otp = otp_consume(user=user, purpose=VERIFY, code=code, now=now + timedelta(minutes=1))

    assert OneTimeCode.objects.get(pk=otp.pk).used_at == now + timedelta(minutes=1)


def test_otp_consume_refuses_a_code_used_before():
    user = UserFactory(unverified=True)
    now = timezone.now()
    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now)
    otp_consume(user=user, purpose=VERIFY, code=code, now=now)

    with pytest.raises(CodeExpired):
        otp_consume(user=user, purpose=VERIFY, code=code, now=now)


def test_otp_consume_wrong_code_spends_one_attempt_and_says_how_many_are_left():
    user = UserFactory(unverified=True)
    now = timezone.now()
    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now)

    with pytest.raises(InvalidCode) as raised:
        otp_consume(user=user, purpose=VERIFY, code=wrong_code(code), now=now)

    assert OneTimeCode.objects.get(user=user).attempts == 1
    assert "4 attempts left" in raised.value.message


def test_otp_consume_fifth_wrong_code_expires_the_code():
    user = UserFactory(unverified=True)
    now = timezone.now()
    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now)
    for _ in range(4):
        with pytest.raises(InvalidCode):
            otp_consume(user=user, purpose=VERIFY, code=wrong_code(code), now=now)

    with pytest.raises(CodeExpired):
        otp_consume(user=user, purpose=VERIFY, code=wrong_code(code), now=now)


def test_otp_consume_refuses_the_right_code_after_five_wrong_ones():
    user = UserFactory(unverified=True)
    now = timezone.now()
    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now)
    for _ in range(5):
        with pytest.raises((InvalidCode, CodeExpired)):
            otp_consume(user=user, purpose=VERIFY, code=wrong_code(code), now=now)

    with pytest.raises(CodeExpired):
        otp_consume(user=user, purpose=VERIFY, code=code, now=now)


def test_otp_consume_refuses_a_code_ten_minutes_old():
    user = UserFactory(unverified=True)
    now = timezone.now()
    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now)

    with pytest.raises(CodeExpired):
        otp_consume(user=user, purpose=VERIFY, code=code, now=now + timedelta(minutes=10))


def test_otp_consume_accepts_a_code_just_under_ten_minutes_old():
    user = UserFactory(unverified=True)
    now = timezone.now()
    code = otp_issue(user=user, purpose=VERIFY, sent_to=user.email, now=now)

    otp = otp_consume(user=user, purpose=VERIFY, code=code, now=now + timedelta(minutes=9, seconds=59))

    assert otp.used_at is not None


def test_otp_consume_refuses_a_code_issued_for_another_purpose():
    user = UserFactory()
    now = timezone.now()
    code = otp_issue(user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET, sent_to=user.email, now=now)

    with pytest.raises(CodeExpired):
        otp_consume(user=user, purpose=OneTimeCode.Purpose.EMAIL_CHANGE, code=code, now=now)
