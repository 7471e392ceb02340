"""Site-wide pages: home, dashboards and their access rules, errors, security headers."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.services import audit_record

pytestmark = pytest.mark.django_db


def test_home_for_visitors_offers_signup(client):
    response = client.get(reverse("core:home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("accounts:signup") in body and reverse("accounts:login") in body


def test_navigation_follows_the_role(client):
    attendee, organizer, admin = UserFactory(), UserFactory(organizer=True), UserFactory(admin=True)
    pages = {}
    for user in (attendee, organizer, admin):
        client.force_login(user)
        pages[user.role] = client.get(reverse("core:home")).content.decode()

    assert reverse("core:dashboard") not in pages["attendee"]
    assert reverse("core:dashboard") in pages["organizer"] and reverse("core:admin_dashboard") not in pages["organizer"]
    assert reverse("core:admin_dashboard") in pages["admin"] and reverse("admin:index") in pages["admin"]


def test_unverified_user_sees_verify_banner(client):
    client.force_login(UserFactory(unverified=True))

    response = client.get(reverse("core:home"))

    assert "Verify your e-mail address to book tickets" in response.content.decode()


def test_dashboard_access(client):
    anonymous = client.get(reverse("core:dashboard"))
    client.force_login(UserFactory())
    attendee = client.get(reverse("core:dashboard"))
    client.force_login(UserFactory(organizer=True))
    organizer = client.get(reverse("core:dashboard"))

    assert anonymous.status_code == 302
    assert attendee.status_code == 404
    assert organizer.status_code == 200


def test_admin_dashboard_only_for_admins(client):
    client.force_login(UserFactory(organizer=True))
    organizer = client.get(reverse("core:admin_dashboard"))
    client.force_login(UserFactory(admin=True))
    admin = client.get(reverse("core:admin_dashboard"))

    assert organizer.status_code == 404
    assert admin.status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_admin_dashboard_query_count_does_not_grow(client, django_assert_max_num_queries, extra):
    admin = UserFactory(admin=True)
    for user in UserFactory.create_batch(extra):
        audit_record(actor=user, action="account.verified", target=user)
    client.force_login(admin)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("core:admin_dashboard"))

    assert response.status_code == 200


def test_health_answers_ok(client):
    response = client.get(reverse("core:health"))

    assert response.json() == {"status": "ok"}


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_pages_send_security_headers(client):
    response = client.get(reverse("core:home"))

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_load_no_third_party_assets(client):
    body = client.get(reverse("core:home")).content.decode() + client.get(reverse("api-docs")).content.decode()

    assert "cdn." not in body and "unpkg" not in body and "jsdelivr" not in body and "googleapis" not in body


def test_api_schema_lists_the_auth_endpoints(client):
    response = client.get(reverse("schema"), HTTP_ACCEPT="application/json")

    paths = response.json()["paths"]
    assert {"/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/auth/me/"} <= set(paths)


def test_demo_command_creates_the_four_logins_and_is_repeatable(client):
    from django.core.management import call_command

    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)

    for email in ("admin@demo.test", "organizer@demo.test", "attendee@demo.test", "gate@demo.test"):
        assert client.login(email=email, password="demo-pass-2026"), email


def test_demo_command_refuses_production_without_force(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo")
