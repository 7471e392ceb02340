import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.errors import EmailTaken, InvalidCode
from accounts.models import OneTimeCode, User
from accounts.selectors import user_export_data
from accounts.services.passwords import password_set
from accounts.services.profile import (
    email_change_confirm,
    email_change_request,
    user_delete_account,
    user_set_active,
    user_set_role,
    user_update_profile,
)
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import code_sent_to, wrong_code
from core.models import AuditLogEntry
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

IP = "203.0.113.5"


@pytest.fixture
def email_change_requested(django_capture_on_commit_callbacks):
    """A user who asked to move to new@example.com; returns (user, code, now)."""
    user = UserFactory(email="old@example.com")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        email_change_request(user=user, new_email="New@Example.com", now=now)
    return user, code_sent_to("new@example.com"), now


@pytest.fixture
def full_profile():
    return UserFactory(
        email="ada@example.com",
        name="Ada Lovelace",
        phone="+44 20 7946 0958",
        city="London",
        birth_year=1990,
        gender=User.Gender.FEMALE,
        demographics_consent=True,
    )


def test_user_update_profile_saves_the_given_fields():
    user = UserFactory(name="Ada")

    user_update_profile(
        user=user, data={"name": "Ada Lovelace", "phone": "+44 20 7946 0958", "city": "London"}, now=timezone.now()
    )

    user.refresh_from_db()
    assert (user.name, user.phone, user.city) == ("Ada Lovelace", "+44 20 7946 0958", "London")


def test_user_update_profile_records_the_changed_fields():
    user = UserFactory(city="Paris")

    user_update_profile(user=user, data={"city": "London"}, ip_address=IP, now=timezone.now())

    entry = AuditLogEntry.objects.get(action="account.profile_updated")
    assert entry.data == {"fields": ["city"]}


def test_user_update_profile_without_changes_records_nothing():
    user = UserFactory(city="London")

    user_update_profile(user=user, data={"city": "London"}, now=timezone.now())

    assert not AuditLogEntry.objects.exists()


def test_user_update_profile_drops_demographics_without_consent():
    user = UserFactory(demographics_consent=False)

    user_update_profile(user=user, data={"birth_year": 1990, "gender": User.Gender.FEMALE}, now=timezone.now())

    user.refresh_from_db()
    assert (user.birth_year, user.gender) == (None, "")


def test_user_update_profile_keeps_demographics_with_consent():
    user = UserFactory()

    user_update_profile(
        user=user,
        data={"birth_year": 1990, "gender": User.Gender.FEMALE, "demographics_consent": True},
        now=timezone.now(),
    )

    user.refresh_from_db()
    assert (user.birth_year, user.gender) == (1990, User.Gender.FEMALE)


def test_user_update_profile_withdrawn_consent_erases_demographics(full_profile):
    user_update_profile(user=full_profile, data={"demographics_consent": False}, now=timezone.now())

    full_profile.refresh_from_db()
    assert (full_profile.birth_year, full_profile.gender) == (None, "")


def test_user_update_profile_refuses_an_invalid_phone():
    user = UserFactory(phone="")

    with pytest.raises(ValidationError):
        user_update_profile(user=user, data={"phone": "call me maybe"}, now=timezone.now())

    assert User.objects.get(pk=user.pk).phone == ""


def test_email_change_request_sends_the_code_to_the_new_address(email_change_requested):
    assert [message.to for message in mail.outbox] == [["new@example.com"]]


def test_email_change_request_refuses_a_taken_address_in_any_case():
    UserFactory(email="taken@example.com")
    user = UserFactory()

    with pytest.raises(EmailTaken):
        email_change_request(user=user, new_email="TAKEN@example.com", now=timezone.now())


def test_email_change_confirm_switches_the_login_address(email_change_requested):
    user, code, now = email_change_requested

    email_change_confirm(user=user, code=code, ip_address=IP, now=now)

    user.refresh_from_db()
    assert (user.email, user.email_verified_at) == ("new@example.com", now)


def test_email_change_confirm_warns_the_old_address(email_change_requested, django_capture_on_commit_callbacks):
    user, code, now = email_change_requested

    with django_capture_on_commit_callbacks(execute=True):
        email_change_confirm(user=user, code=code, ip_address=IP, now=now)

    assert mail.outbox[-1].to == ["old@example.com"]
    assert "new@example.com" in mail.outbox[-1].body


def test_email_change_confirm_with_a_wrong_code_keeps_the_address(email_change_requested):
    user, code, now = email_change_requested

    with pytest.raises(InvalidCode):
        email_change_confirm(user=user, code=wrong_code(code), ip_address=IP, now=now)

    assert User.objects.get(pk=user.pk).email == "old@example.com"


def test_email_change_confirm_refuses_an_address_taken_meanwhile(email_change_requested):
    user, code, now = email_change_requested
    UserFactory(email="new@example.com")

    with pytest.raises(EmailTaken):
        email_change_confirm(user=user, code=code, ip_address=IP, now=now)

    assert User.objects.get(pk=user.pk).email == "old@example.com"


def test_user_delete_account_anonymises_personal_data(full_profile):
    user_delete_account(user=full_profile, ip_address=IP, now=timezone.now())

    user = User.objects.get(pk=full_profile.pk)
    assert "ada" not in user.email
    assert user.email.endswith("@deleted.invalid")
    assert (user.name, user.phone, user.city, user.birth_year, user.gender) == ("Deleted user", "", "", None, "")
    assert not user.demographics_consent


def test_user_delete_account_keeps_the_row_and_marks_it_anonymised(full_profile):
    now = timezone.now()

    user_delete_account(user=full_profile, ip_address=IP, now=now)

    assert User.objects.get(pk=full_profile.pk).anonymised_at == now


def test_user_delete_account_deactivates_and_disables_the_password(full_profile):
    user_delete_account(user=full_profile, ip_address=IP, now=timezone.now())

    user = User.objects.get(pk=full_profile.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert not user.check_password(DEFAULT_PASSWORD)


def test_user_delete_account_revokes_every_refresh_token(full_profile):
    RefreshToken.for_user(full_profile)
    RefreshToken.for_user(full_profile)

    user_delete_account(user=full_profile, ip_address=IP, now=timezone.now())

    assert OutstandingToken.objects.filter(user=full_profile).count() == 2
    assert not OutstandingToken.objects.filter(user=full_profile, blacklistedtoken__isnull=True).exists()


def test_user_delete_account_deletes_pending_codes(email_change_requested):
    user, _, now = email_change_requested

    user_delete_account(user=user, ip_address=IP, now=now)

    assert not OneTimeCode.objects.filter(user=user).exists()


def test_user_delete_account_removes_the_address_from_the_audit_log(email_change_requested):
    user, code, now = email_change_requested
    email_change_confirm(user=user, code=code, ip_address=IP, now=now)
    user_update_profile(user=user, data={"city": "Oslo"}, now=now)

    user_delete_account(user=user, ip_address=IP, now=now)

    for entry in AuditLogEntry.objects.filter(target_id=str(user.pk)):
        assert "old@example.com" not in f"{entry.target_repr} {entry.data}"
        assert "new@example.com" not in f"{entry.target_repr} {entry.data}"


def test_user_delete_account_says_goodbye_at_the_old_address(full_profile, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_delete_account(user=full_profile, ip_address=IP, now=timezone.now())

    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert OutboundEmail.objects.get().template == "account_deleted"


def test_user_delete_account_erases_the_address_from_sent_emails(full_profile, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        password_set(
            user=full_profile, password="a-fresh-long-password-7", ip_address=IP, now=timezone.now(), reason="changed"
        )

    with django_capture_on_commit_callbacks(execute=True):
        user_delete_account(user=full_profile, ip_address=IP, now=timezone.now())

    earlier = OutboundEmail.objects.get(template="password_changed")
    goodbye = OutboundEmail.objects.get(template="account_deleted")
    assert earlier.to == "erased@deleted.invalid" and full_profile.get_short_name() not in earlier.body_text
    assert goodbye.status == OutboundEmail.Status.SENT and "erased" in goodbye.body_text


def test_user_export_data_contains_the_profile(full_profile):
    data = user_export_data(user=full_profile)

    assert data["profile"]["email"] == "ada@example.com"
    assert data["profile"]["name"] == "Ada Lovelace"
    assert data["profile"]["phone"] == "+44 20 7946 0958"
    assert data["profile"]["birth_year"] == 1990


def test_user_export_data_contains_the_activity(full_profile):
    user_update_profile(user=full_profile, data={"city": "Oslo"}, ip_address=IP, now=timezone.now())

    data = user_export_data(user=full_profile)

    assert [item["action"] for item in data["activity"]] == ["account.profile_updated"]


def test_user_set_role_records_from_and_to():
    admin = UserFactory(admin=True)
    user = UserFactory()

    user_set_role(user=user, role=User.Role.ORGANIZER, actor=admin, now=timezone.now())

    entry = AuditLogEntry.objects.get(action="account.role_changed")
    assert (entry.actor, entry.data) == (admin, {"from": "attendee", "to": "organizer"})


def test_user_set_active_false_revokes_every_refresh_token():
    admin = UserFactory(admin=True)
    user = UserFactory()
    RefreshToken.for_user(user)

    user_set_active(user=user, active=False, actor=admin, now=timezone.now())

    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()
