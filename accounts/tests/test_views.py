"""The account pages: forms, redirects, inline errors and what each page changes."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from core.models import AuditLogEntry

pytestmark = pytest.mark.django_db
STRONG = "a-very-long-and-odd-pass-42"


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_signup_creates_unverified_account_and_sends_code(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {"name": "Nia Njoroge", "email": "Nia@Example.com", "password": STRONG, "role": "organizer"},
        )

    assert response.status_code == 302 and response.url == reverse("accounts:verify")
    user = User.objects.get(email="nia@example.com")
    assert (user.role, user.is_verified) == ("organizer", False)
    assert mail.outbox[-1].to == ["nia@example.com"] and last_code()


def test_signup_weak_password_shows_error_next_to_field_and_creates_nothing(client):
    response = client.post(
        reverse("accounts:signup"),
        {"name": "Nia", "email": "nia@example.com", "password": "password", "role": "attendee"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert 'id="id_password_error"' in response.content.decode()
    assert not User.objects.exists()


def test_signup_duplicate_email_is_refused(client):
    UserFactory(email="taken@example.com")

    response = client.post(
        reverse("accounts:signup"), {"name": "X", "email": "TAKEN@example.com", "password": STRONG, "role": "attendee"}
    )

    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_signup_cannot_choose_admin_role(client):
    response = client.post(
        reverse("accounts:signup"), {"name": "X", "email": "x@example.com", "password": STRONG, "role": "admin"}
    )

    assert response.context["form"].errors["role"]
    assert not User.objects.exists()


def test_verify_page_with_right_code_verifies_and_signs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:signup"),
            {"name": "Nia", "email": "nia@example.com", "password": STRONG, "role": "attendee"},
        )

    response = client.post(reverse("accounts:verify"), {"email": "nia@example.com", "code": last_code()})

    assert response.status_code == 302
    assert User.objects.get(email="nia@example.com").is_verified
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_verify_page_wrong_code_shows_inline_error(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:signup"),
            {"name": "Nia", "email": "nia@example.com", "password": STRONG, "role": "attendee"},
        )
    wrong = "000000" if last_code() != "000000" else "111111"

    response = client.post(reverse("accounts:verify"), {"email": "nia@example.com", "code": wrong})

    assert response.status_code == 200
    assert "This code is not correct" in response.content.decode()
    assert not User.objects.get(email="nia@example.com").is_verified


def test_login_page_signs_in_and_redirects_to_safe_next_only(client):
    UserFactory(email="amy@example.com")

    good = client.post(
        reverse("accounts:login") + "?next=/accounts/profile/",
        {"email": "amy@example.com", "password": DEFAULT_PASSWORD},
    )
    client.post(reverse("accounts:logout"))
    evil = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"email": "amy@example.com", "password": DEFAULT_PASSWORD},
    )

    assert good.url == "/accounts/profile/"
    assert evil.url == reverse("core:home")


def test_login_page_wrong_password_shows_form_error(client):
    UserFactory(email="amy@example.com")

    response = client.post(reverse("accounts:login"), {"email": "amy@example.com", "password": "nope-nope-nope"})

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_requires_post(client):
    user = UserFactory()
    client.force_login(user)

    client.get(reverse("accounts:logout"))
    still_in = "_auth_user_id" in client.session
    client.post(reverse("accounts:logout"))

    assert still_in and "_auth_user_id" not in client.session


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_profile_update_saves_fields_and_audits(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "name": "New Name",
            "phone": "+44 20 7946 0958",
            "city": "Leeds",
            "demographics_consent": "on",
            "birth_year": "1990",
            "gender": "female",
        },
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert (user.name, user.city, user.birth_year, user.gender) == ("New Name", "Leeds", 1990, "female")
    assert AuditLogEntry.objects.filter(actor=user, action="account.profile_updated").exists()


def test_profile_invalid_phone_changes_nothing(client):
    user = UserFactory(phone="")
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"name": user.name, "phone": "call me maybe", "city": ""})

    user.refresh_from_db()
    assert response.status_code == 200 and response.context["form"].errors["phone"]
    assert user.phone == ""


def test_profile_avatar_accepts_real_png(client, tmp_path, settings):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    client.force_login(user)
    buffer = BytesIO()
    Image.new("RGB", (64, 64), "purple").save(buffer, "PNG")

    client.post(
        reverse("accounts:profile"),
        {"name": user.name, "avatar": SimpleUploadedFile("me.png", buffer.getvalue(), "image/png")},
    )

    user.refresh_from_db()
    assert user.avatar.name.endswith(".png")


@pytest.mark.parametrize(
    ("filename", "content"),
    [("fake.png", b"%PDF-1.4 this is not an image"), ("script.jpg", b"<script>alert(1)</script>")],
)
def test_profile_avatar_rejects_non_images(client, filename, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"), {"name": user.name, "avatar": SimpleUploadedFile(filename, content, "image/png")}
    )

    user.refresh_from_db()
    assert response.status_code == 200 and response.context["form"].errors["avatar"]
    assert not user.avatar


def test_profile_avatar_rejects_files_over_5_mb(client, settings):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.AVATAR_MAX_BYTES = 1024  # a real PNG just above the limit, without shipping 5 MB through the test
    user = UserFactory()
    client.force_login(user)
    buffer = BytesIO()
    Image.effect_noise((64, 64), 100).convert("RGB").save(buffer, "PNG")

    response = client.post(
        reverse("accounts:profile"),
        {"name": user.name, "avatar": SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")},
    )

    assert "larger than 5 MB" in str(response.context["form"].errors["avatar"])


def test_email_change_pages_switch_address_after_code(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="old@example.com")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:email_change"), {"new_email": "new@example.com", "password": DEFAULT_PASSWORD})
    code_mail = mail.outbox[-1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:email_change_confirm"), {"code": last_code()})

    user.refresh_from_db()
    assert code_mail.to == ["new@example.com"]
    assert response.status_code == 302 and user.email == "new@example.com"
    assert mail.outbox[-1].to == ["old@example.com"]  # the old address is warned


def test_email_change_wrong_password_changes_nothing(client):
    user = UserFactory(email="old@example.com")
    client.force_login(user)

    response = client.post(
        reverse("accounts:email_change"), {"new_email": "new@example.com", "password": "wrong-one-here"}
    )

    assert response.context["form"].errors["password"]
    assert not mail.outbox


def test_password_change_keeps_this_session_and_revokes_others(client):
    user = UserFactory()
    client.force_login(user)
    other = type(client)()
    other.force_login(user)

    client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )

    assert client.get(reverse("accounts:profile")).status_code == 200
    assert other.get(reverse("accounts:profile")).status_code == 302


def test_password_reset_by_link(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="amy@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "amy@example.com"})
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG})

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password(STRONG)


def test_password_reset_by_code(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="amy@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "amy@example.com"})
    response = client.post(
        reverse("accounts:password_reset_code"),
        {"email": "amy@example.com", "code": last_code(), "new_password1": STRONG, "new_password2": STRONG},
    )

    user.refresh_from_db()
    assert response.url == reverse("accounts:login")
    assert user.check_password(STRONG)


def test_password_reset_unknown_address_looks_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "ghost@example.com"}, follow=True)

    assert response.status_code == 200
    assert "If an account uses that address" in response.content.decode()
    assert not mail.outbox


def test_data_export_downloads_my_profile_as_json(client):
    user = UserFactory(email="amy@example.com", city="Porto")
    client.force_login(user)

    response = client.get(reverse("accounts:export"))

    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["profile"]["city"] == "Porto"


def test_delete_account_anonymises_and_signs_out(client):
    user = UserFactory(email="amy@example.com", phone="+351 912 345 678")
    client.force_login(user)

    response = client.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD, "confirm": "on"})

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.email.endswith("@deleted.invalid") and user.phone == "" and not user.is_active
    assert "_auth_user_id" not in client.session


def test_delete_account_needs_password_and_confirmation(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:delete"), {"password": "wrong-wrong-wrong"})

    user.refresh_from_db()
    assert set(response.context["form"].errors) == {"password", "confirm"}
    assert user.is_active
