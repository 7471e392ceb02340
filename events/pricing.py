"""What a ticket costs now. Computed on the server only; dynamic pricing rules plug in here."""

from datetime import datetime
from decimal import Decimal

from events.models import TicketType


def unit_price(*, ticket_type: TicketType, now: datetime) -> Decimal:
    """The price a buyer pays for one ticket of this type if they reserve it at ``now``."""
    return ticket_type.price
