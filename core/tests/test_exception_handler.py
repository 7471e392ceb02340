import json

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts.tests.factories import UserFactory
from core.errors import Busy, RateLimited


def assert_error_shape(response, *, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = json.loads(response.content)["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert error["message"]
    return error


def call_raising_view(exc: Exception):
    """The rendered response of an API view that raises ``exc``."""

    class Raising(APIView):
        authentication_classes: list = []
        permission_classes: list = []

        def get(self, request):
            raise exc

    return Raising.as_view()(APIRequestFactory().get("/api/v1/anything/")).render()


@pytest.mark.django_db
def test_exception_handler_renders_validation_errors_per_field(api_client):
    response = api_client.post(reverse("auth-token"), {"email": "not-an-email"}, format="json")

    error = assert_error_shape(response, status=400, code="invalid")
    assert set(error["fields"]) == {"email", "password"}
    assert all(isinstance(message, str) for message in error["fields"]["email"])


@pytest.mark.django_db
def test_exception_handler_renders_an_unknown_api_path_as_a_json_404(api_client):
    response = api_client.get("/api/v1/no-such-thing/")

    assert_error_shape(response, status=404, code="not_found")


@pytest.mark.django_db
def test_exception_handler_renders_missing_authentication_as_401(api_client):
    response = api_client.get(reverse("auth-me"))

    assert_error_shape(response, status=401, code="not_authenticated")


@pytest.mark.django_db
def test_exception_handler_renders_throttling_as_rate_limited(api_client, monkeypatch):
    # DRF reads the rates once, at import (SimpleRateThrottle.THROTTLE_RATES), so overriding
    # settings.REST_FRAMEWORK in a test has no effect; the class attribute is what the throttles consult.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "auth": "2/min"})
    user = UserFactory()
    for _ in range(2):
        api_client.post(reverse("auth-token"), {"email": user.email, "password": "wrong-password"}, format="json")

    response = api_client.post(
        reverse("auth-token"), {"email": user.email, "password": "wrong-password"}, format="json"
    )

    assert_error_shape(response, status=429, code="rate_limited")
    assert int(response["Retry-After"]) > 0


def test_exception_handler_renders_a_domain_error_with_its_code_and_status():
    response = call_raising_view(Busy())

    assert_error_shape(response, status=409, code="busy")


def test_exception_handler_sets_retry_after_for_rate_limited_domain_errors():
    response = call_raising_view(RateLimited(retry_after=42))

    assert_error_shape(response, status=429, code="rate_limited")
    assert response["Retry-After"] == "42"


def test_exception_handler_renders_a_django_validation_error_per_field():
    response = call_raising_view(DjangoValidationError({"phone": ["Enter a phone number."]}))

    error = assert_error_shape(response, status=400, code="invalid")
    assert error["fields"] == {"phone": ["Enter a phone number."]}


def test_exception_handler_leaves_unexpected_errors_to_django():
    with pytest.raises(ZeroDivisionError):
        call_raising_view(ZeroDivisionError())
