from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, RateLimited


class InvalidCredentials(DomainError):
    code, status = "invalid_credentials", 401
    default_message = _("The e-mail address or password is not correct.")


class AccountLocked(RateLimited):
    code = "account_locked"
    default_message = _("Too many failed attempts. Please wait 15 minutes and try again.")


class InvalidCode(DomainError):
    code, status = "invalid_code", 400
    default_message = _("This code is not correct.")


class CodeExpired(DomainError):
    code, status = "code_expired", 400
    default_message = _("This code has expired or was used too many times. Ask for a new one.")


class ResendTooSoon(RateLimited):
    code = "resend_too_soon"
    default_message = _("A code was sent a moment ago. Please wait before asking for another.")


class AlreadyVerified(DomainError):
    code, status = "already_verified", 409
    default_message = _("This e-mail address is already verified.")


class EmailTaken(DomainError):
    code, status = "email_taken", 409
    default_message = _("An account with this e-mail address already exists.")


class InvalidRole(DomainError):
    code, status = "invalid_role", 400
    default_message = _("Choose attendee or organizer.")
