"""The demo world has real bookings (SPEC §1): orders for the demo attendee, a sold-out event, and a past
event with check-ins — all made through the services, so counters agree with the rows."""

import pytest
from django.core.management import call_command

from checkin.models import CheckIn
from events.models import Event, TicketType
from tickets.models import Order, PromoCode, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_orders_are_consistent_and_seeding_twice_adds_nothing():
    call_command("seed_demo", force=True)
    first = (Order.objects.count(), Ticket.objects.count(), CheckIn.objects.count())
    call_command("seed_demo", force=True)

    assert (Order.objects.count(), Ticket.objects.count(), CheckIn.objects.count()) == first
    assert Order.objects.filter(buyer__email="attendee@demo.test", status=Order.Status.PAID).count() >= 3
    masterclass = TicketType.objects.get(event__slug="sourdough-masterclass")
    assert masterclass.sold == masterclass.capacity  # sold out
    for ticket_type in TicketType.objects.filter(sold__gt=0):
        assert ticket_type.sold == ticket_type.tickets.filter(status=Ticket.Status.VALID).count()
        assert ticket_type.held == 0

    past = Event.objects.get(slug="indie-rock-revival")
    assert past.status == Event.Status.ENDED
    admitted = CheckIn.objects.filter(event=past)
    assert 0 < admitted.count() < past.tickets.count()  # arrivals and some no-shows
    assert set(admitted.values_list("gate", flat=True)) == {"Main entrance", "Side door"}

    summit_code = PromoCode.objects.get(event__slug="django-summit-2027", code="SUMMIT20")
    assert summit_code.uses == Order.objects.filter(promo_redemption__promo_code=summit_code).count() > 0
    assert Event.objects.get(slug="neon-nights-festival").referral_enabled
