import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_user_changelist")


@pytest.fixture
def admin_user():
    return UserFactory(admin=True, email="moderator@example.com")


@pytest.fixture
def admin_site_client(client, admin_user):
    client.force_login(admin_user)
    return client


def change_form_data(user: User, **changes) -> dict:
    data = {
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "city": user.city,
        "birth_year": user.birth_year or "",
        "gender": user.gender,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "_save": "Save",
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


def test_user_admin_role_change_writes_an_audit_entry(admin_site_client, admin_user):
    user = UserFactory(role=User.Role.ATTENDEE)

    response = admin_site_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]), change_form_data(user, role=User.Role.ORGANIZER)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else None
    entry = AuditLogEntry.objects.get(action="account.role_changed")
    assert (entry.actor, entry.target_id, entry.data) == (
        admin_user,
        str(user.pk),
        {"from": "attendee", "to": "organizer"},
    )
    assert User.objects.get(pk=user.pk).role == User.Role.ORGANIZER


def test_user_admin_save_without_role_change_writes_no_role_entry(admin_site_client):
    user = UserFactory(city="Paris")

    admin_site_client.post(reverse("admin:accounts_user_change", args=[user.pk]), change_form_data(user, city="Oslo"))

    assert not AuditLogEntry.objects.filter(action="account.role_changed").exists()
    assert AuditLogEntry.objects.get(action="account.edited_by_admin").data == {"fields": ["city"]}


def test_user_admin_deactivation_writes_an_audit_entry(admin_site_client):
    user = UserFactory()

    admin_site_client.post(reverse("admin:accounts_user_change", args=[user.pk]), change_form_data(user, is_active=""))

    assert not User.objects.get(pk=user.pk).is_active
    assert AuditLogEntry.objects.filter(action="account.deactivated", target_id=str(user.pk)).exists()


def test_user_admin_changelist_search_finds_by_email(admin_site_client):
    UserFactory(email="findme@example.com")
    UserFactory(email="someone@example.com")

    response = admin_site_client.get(CHANGELIST, {"q": "findme"})

    assert response.status_code == 200
    assert [user.email for user in response.context["cl"].result_list] == ["findme@example.com"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"role__exact": "organizer"}, {"organizer@example.com"}),
        ({"verified": "no"}, {"unverified@example.com"}),
        ({"verified": "yes"}, {"moderator@example.com", "organizer@example.com", "inactive@example.com"}),
        ({"is_active__exact": "0"}, {"inactive@example.com"}),
    ],
)
def test_user_admin_changelist_filters(admin_site_client, query, expected):
    UserFactory(organizer=True, email="organizer@example.com")
    UserFactory(unverified=True, email="unverified@example.com")
    UserFactory(is_active=False, email="inactive@example.com")

    response = admin_site_client.get(CHANGELIST, query)

    assert response.status_code == 200
    assert {user.email for user in response.context["cl"].result_list} == expected


def test_admin_site_redirects_a_non_admin_to_the_login(client):
    client.force_login(UserFactory(organizer=True))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_site_redirects_an_anonymous_visitor_to_the_login(client):
    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
