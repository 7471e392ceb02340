from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotFound


class EventNotEditable(DomainError):
    code, status = "event_not_editable", 409
    default_message = _("This event can no longer be changed.")


class EventNotPublishable(DomainError):
    code, status = "event_not_publishable", 422
    default_message = _("This event cannot be published yet.")


class EventHasOrders(DomainError):
    code, status = "event_has_orders", 409
    default_message = _(
        "Tickets have been sold for this event, so it cannot be deleted or unpublished. Cancel it instead."
    )


class CapacityBelowSold(DomainError):
    code, status = "capacity_below_sold", 422
    default_message = _("The capacity cannot be lower than the tickets already sold or reserved.")


class TicketTypeInUse(DomainError):
    code, status = "ticket_type_in_use", 409
    default_message = _("Tickets of this type have been sold or reserved, so it cannot be deleted.")


class StaffUserNotFound(DomainError):
    code, status = "staff_user_not_found", 422
    default_message = _("No account uses this e-mail address. Ask them to sign up first.")


class AlreadyStaff(DomainError):
    code, status = "already_staff", 409
    default_message = _("This person is already gate staff of this event.")


class SeatMapInUse(DomainError):
    code, status = "seat_map_in_use", 409
    default_message = _("Seats of this map have been sold or reserved, so it cannot be regenerated.")


class NoSeatMap(NotFound):
    code = "no_seat_map"
    default_message = _("This event has no seat map: its tickets are not for reserved seats.")
