from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class SoldOut(DomainError):
    code, status = "sold_out", 409
    default_message = _("Sorry, there are not enough tickets left.")


class SeatTaken(DomainError):
    code, status = "seat_taken", 409
    default_message = _("One of the chosen seats was just taken. Please choose again.")


class SalesClosed(DomainError):
    code, status = "sales_closed", 422
    default_message = _("Tickets are not on sale right now.")


class LimitExceeded(DomainError):
    code, status = "limit_exceeded", 422
    default_message = _("That is more tickets than allowed.")


class InvalidSelection(DomainError):
    code, status = "invalid_selection", 400
    default_message = _("Choose at least one ticket.")


class NotVerified(DomainError):
    code, status = "not_verified", 403
    default_message = _("Please verify your e-mail address before booking.")


class HoldExpired(DomainError):
    code, status = "hold_expired", 410
    default_message = _("Your reservation has expired. Please choose your tickets again.")


class OrderNotCancellable(DomainError):
    code, status = "order_not_cancellable", 422
    default_message = _("Only orders awaiting payment can be abandoned here.")
