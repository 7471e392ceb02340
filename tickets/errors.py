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


class ReferralInvalid(DomainError):
    code, status = "referral_invalid", 422
    default_message = _("This invitation link is not valid for this event. Remove it to continue.")


class ReferralSelf(DomainError):
    code, status = "referral_self", 422
    default_message = _("You can't use your own invitation. Remove it to continue without the discount.")


class ReferralNotNewCustomer(DomainError):
    code, status = "referral_not_new_customer", 422
    default_message = _(
        "Invitations are for people booking this event for the first time. Remove it to continue without the discount."
    )


class ReferralNotEligible(DomainError):
    code, status = "referral_not_eligible", 403
    default_message = _("Referral links are for ticket holders of events with a referral program.")


class PromoError(DomainError):
    """A promo code was refused. Every case has its own code; the message says what to do."""

    code, status = "promo_invalid", 422
    default_message = _("This code cannot be used.")


class PromoNotFound(PromoError):
    code = "promo_not_found"
    default_message = _("We don't know this code for this event. Check the spelling.")


class PromoInactive(PromoError):
    code = "promo_inactive"
    default_message = _("This code is no longer active.")


class PromoNotStarted(PromoError):
    code = "promo_not_started"
    default_message = _("This code is not valid yet.")


class PromoExpired(PromoError):
    code = "promo_expired"
    default_message = _("This code has expired.")


class PromoUsedUp(PromoError):
    code = "promo_used_up"
    default_message = _("This code has been used up.")


class PromoUserLimit(PromoError):
    code = "promo_user_limit"
    default_message = _("You have already used this code as often as allowed.")


class PromoNotApplicable(PromoError):
    code = "promo_not_applicable"
    default_message = _("This code does not apply to the tickets you chose.")


class PromoNotEditable(DomainError):
    code, status = "promo_not_editable", 409
    default_message = _("Referral rewards are managed by the referral program and cannot be changed here.")


class OneDiscountOnly(DomainError):
    code, status = "one_discount_only", 422
    default_message = _("An order can carry one discount: use either the promo code or the invitation, not both.")


# --- reissue and transfer (tickets/services/transfers.py) -------------------------------------------------


class TicketNotTransferable(DomainError):
    """The ticket cannot change hands (or get a new code from its holder): not valid, used, or its event is over."""

    code, status = "ticket_not_transferable", 422
    default_message = _("This ticket cannot be transferred.")


class TransfersDisabled(DomainError):
    code, status = "transfers_disabled", 422
    default_message = _("The organizer does not allow ticket transfers for this event.")


class TransfersClosed(DomainError):
    code, status = "transfers_closed", 422
    default_message = _("Transfers for this event are closed.")


class TransferToSelf(DomainError):
    code, status = "transfer_to_self", 422
    default_message = _("This ticket is already yours. Enter the e-mail address of the person you give it to.")


class TransferAlreadyPending(DomainError):
    code, status = "transfer_pending", 409
    default_message = _("This ticket is already on its way to someone. Cancel that transfer first.")


class TransferNotOpen(DomainError):
    """Accepting or cancelling a transfer that was accepted, cancelled or has expired."""

    code, status = "transfer_not_open", 410
    default_message = _("This transfer is no longer open.")


class TransferWrongAccount(DomainError):
    code, status = "transfer_wrong_account", 403
    default_message = _("This ticket was sent to another e-mail address.")


class ReissueTooOften(DomainError):
    code, status = "reissue_too_often", 429
    default_message = _("This ticket got a new QR code several times today. Please try again tomorrow.")


# --- Applications to approval-required events ---------------------------------------------------------


class ApplicationsClosed(DomainError):
    code, status = "applications_closed", 422
    default_message = _("This event does not take applications right now.")


class ApplicationExists(DomainError):
    code, status = "application_exists", 409
    default_message = _("You already have an open application for this event.")


class ApplicationAlreadyDecided(DomainError):
    code, status = "application_decided", 409
    default_message = _("This application has already been decided.")


class ApplicationNotWithdrawable(DomainError):
    code, status = "application_not_withdrawable", 422
    default_message = _("This application can no longer be withdrawn.")


class CancellationNotAllowed(DomainError):
    """The refund policy (or the order's state) does not let the buyer cancel now; the message says why."""

    code, status = "cancellation_not_allowed", 422
    default_message = _("These tickets can no longer be cancelled.")


class TicketAlreadyUsed(DomainError):
    code, status = "ticket_already_used", 422
    default_message = _("A ticket that was already used at the entrance cannot be cancelled.")


class RefundQuoteChanged(DomainError):
    """The refund computed at confirmation differs from the one the buyer was shown (a deadline passed)."""

    code, status = "refund_quote_changed", 409
    default_message = _("The refund amount has changed. Please check the new amount and confirm again.")
