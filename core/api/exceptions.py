"""Renders every API error as {"error": {"code", "message", "fields"}} (SPEC §10)."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from core.errors import DomainError, RateLimited

logger = logging.getLogger(__name__)


def error_response(*, code: str, message: str, status_code: int, fields: dict | None = None, headers=None) -> Response:
    return Response(
        {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status_code, headers=headers
    )


def _flatten(detail) -> dict:
    """DRF's nested ErrorDetail structure → {field: [messages]}."""
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    return {}


def _messages(value) -> list | dict:
    if isinstance(value, dict):
        return _flatten(value)
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            return [_flatten(item) for item in value]
        return [str(item) for item in value]
    return [str(value)]


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) and exc.retry_after else None
        return error_response(
            code=exc.code, message=exc.message, status_code=exc.status, fields=exc.fields, headers=headers
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = " ".join(exc.messages)
        return error_response(code="invalid", message=message, status_code=400, fields=fields)
    if isinstance(exc, (InvalidToken, TokenError)):
        return error_response(code="token_not_valid", message=_("The token is invalid or expired."), status_code=401)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django logs it and answers 500

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail) if isinstance(exc.detail, dict) else {}
        non_field = fields.pop("non_field_errors", None)
        if isinstance(exc.detail, list):
            message = " ".join(str(item) for item in exc.detail)
        elif non_field:
            message = " ".join(non_field)
        else:
            message = _("Please correct the highlighted fields.")
        return error_response(code="invalid", message=message, status_code=400, fields=fields)

    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.Throttled):
        code = "rate_limited"
    if isinstance(detail, dict):
        message = str(detail.get("detail", exc.default_detail))
        code = getattr(detail.get("detail"), "code", code)
    else:
        message = str(detail)
    headers = {key: value for key, value in response.items() if key in ("Retry-After", "WWW-Authenticate")}
    return error_response(code=str(code), message=message, status_code=response.status_code, headers=headers)
