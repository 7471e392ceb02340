"""The one error hierarchy. Services raise these; each interface maps them once (STYLE §6)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule said no. ``code`` is stable for API clients; ``status`` is the HTTP status."""

    code = "domain_error"
    status = 400
    default_message = _("This action is not possible.")

    def __init__(self, message: str | None = None, *, fields: dict | None = None, **context) -> None:
        self.message = str(message or self.default_message)
        self.fields = fields or {}
        self.context = context
        super().__init__(self.message)


class NotFound(DomainError):
    code, status = "not_found", 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code, status = "permission_denied", 403
    default_message = _("You are not allowed to do this.")


class Busy(DomainError):
    """A lock could not be taken in time; the client may retry."""

    code, status = "busy", 409
    default_message = _("This is busy right now. Please try again in a moment.")


class RateLimited(DomainError):
    code, status = "rate_limited", 429
    default_message = _("Too many attempts. Please wait and try again.")

    def __init__(self, message: str | None = None, *, retry_after: int | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
