"""Demo orders (SPEC §1): bookings made through the real services, so every counter, seat and check-in is
consistent. Idempotent: an event that already has orders is left alone."""

from datetime import datetime, timedelta

from django.db.models import F

from accounts.models import User
from checkin.services.scans import scan_redeem
from events.models import Event, Seat, TicketType
from tickets.models import Order, PromoCode
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout, order_mark_paid
from tickets.services.promo_codes import promo_code_create
from tickets.services.referrals import ReferralSettings, referral_settings_update

DEMO_BUYERS = [
    "Amara Okafor", "Ben Hartmann", "Chloé Martin", "Diego Alvarez", "Elif Yilmaz", "Finn O'Brien",
    "Greta Lindqvist", "Hiro Tanaka", "Inês Costa", "Jonas Weber", "Kasia Nowak", "Luca Romano",
    "Maya Cohen", "Nils Berg", "Olu Adeyemi", "Priya Nair", "Quentin Dubois", "Rosa Jiménez",
]  # fmt: skip


def _buyer(name: str, now: datetime) -> User:
    email = name.lower().replace("'", "").replace(" ", ".").encode("ascii", "ignore").decode() + "@demo.test"
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "email_verified_at": now, "city": "Berlin"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _book(
    *, buyer: User, ticket_type: TicketType, names: list[str], now: datetime, seat_ids=(), promo_code: str = ""
) -> Order:
    line = LineRequest(ticket_type.pk, 0 if seat_ids else len(names), tuple(seat_ids))
    hold = hold_create(buyer=buyer, event=ticket_type.event, lines=[line], now=now)
    order = order_checkout(hold=hold, buyer=buyer, attendee_names=names, now=now, promo_code=promo_code)
    if order.status == Order.Status.PENDING:
        order = order_mark_paid(order_id=order.pk, now=now).order
    return order


def _first_type(slug: str) -> TicketType | None:
    return TicketType.objects.filter(event__slug=slug).order_by("position", "pk").first()


def seed_promotions(*, now: datetime) -> None:
    """A promo code on the summit (already used by a few buyers) and the festival's referral program."""
    summit = Event.objects.filter(slug="django-summit-2027").first()
    if summit and not PromoCode.objects.filter(event=summit).exists():
        promo_code_create(
            event=summit, code="SUMMIT20", kind=PromoCode.Kind.PERCENT, value=20, max_uses=50, per_user_limit=1,
            valid_until=summit.starts_at - timedelta(days=7), note="Newsletter subscribers", actor=summit.organizer,
            now=now,
        )  # fmt: skip
    festival = Event.objects.filter(slug="neon-nights-festival", referral_enabled=False).first()
    if festival:
        referral_settings_update(
            event=festival,
            values=ReferralSettings(
                enabled=True, discount_kind="percent", discount_value=10, reward_kind="fixed", reward_value=5
            ),
            actor=festival.organizer,
            now=now,
        )


def seed_orders(*, attendee: User, gate: User, now: datetime) -> int:
    """Orders for the demo attendee and a crowd of demo buyers; a sold-out class; a past event with
    check-ins at two gates; promo-code orders. Returns how many orders were added."""
    added = 0
    buyers = [_buyer(name, now) for name in DEMO_BUYERS]
    seed_promotions(now=now)
    summit_regular = TicketType.objects.filter(event__slug="django-summit-2027", name="Regular").first()
    if summit_regular and not Order.objects.filter(event=summit_regular.event).exists():
        for buyer in buyers[10:14]:
            _book(buyer=buyer, ticket_type=summit_regular, names=[buyer.name], now=now, promo_code="SUMMIT20")
            added += 1

    def untouched(slug: str) -> bool:
        return Event.objects.filter(slug=slug).exists() and not Order.objects.filter(event__slug=slug).exists()

    # The demo attendee's own bookings: a festival pair, a theatre seat, a free picnic.
    if untouched("neon-nights-festival"):
        festival = _first_type("neon-nights-festival")
        _book(buyer=attendee, ticket_type=festival, names=[attendee.name, "Sam Friend"], now=now)
        for index, buyer in enumerate(buyers[:10]):
            _book(buyer=buyer, ticket_type=festival, names=[buyer.name] * (1 + index % 3), now=now)
            added += 1
        added += 1
    if untouched("hamlet-in-the-round"):
        stalls = _first_type("hamlet-in-the-round")
        seats = list(
            Seat.objects.filter(row__section__ticket_type=stalls, is_removed=False)
            .order_by("row__position", "position")
            .values_list("pk", flat=True)[:5]
        )
        _book(buyer=attendee, ticket_type=stalls, names=[attendee.name], seat_ids=seats[2:3], now=now)
        _book(buyer=buyers[3], ticket_type=stalls, names=[buyers[3].name] * 2, seat_ids=seats[3:5], now=now)
        added += 2
    if untouched("community-picnic-meetup"):
        _book(buyer=attendee, ticket_type=_first_type("community-picnic-meetup"), names=[attendee.name], now=now)
        added += 1

    # Sold out: every place of the masterclass is taken.
    if untouched("sourdough-masterclass"):
        masterclass = _first_type("sourdough-masterclass")
        left = masterclass.capacity
        for buyer in buyers:
            if left <= 0:
                break
            count = min(2, left)
            _book(buyer=buyer, ticket_type=masterclass, names=[buyer.name] * count, now=now)
            left -= count
            added += 1

    # A past event with check-ins: booked while it was on sale, scanned at two gates, some no-shows.
    if untouched("indie-rock-revival"):
        event = Event.objects.get(slug="indie-rock-revival")
        was = event.status
        Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
        sold_at = event.starts_at - timedelta(days=12)
        general = _first_type("indie-rock-revival")
        orders = [_book(buyer=attendee, ticket_type=general, names=[attendee.name], now=sold_at)]
        for index, buyer in enumerate(buyers):
            orders.append(_book(buyer=buyer, ticket_type=general, names=[buyer.name] * (1 + index % 2), now=sold_at))
        event.refresh_from_db()
        tickets = [ticket for order in orders for ticket in order.tickets.order_by("pk")]
        for index, ticket in enumerate(tickets):
            if index % 6 == 5:
                continue  # a no-show
            scan_redeem(
                staff=gate,
                event=event,
                code=ticket.serial,
                gate="Main entrance" if index % 3 else "Side door",
                device_id=f"demo-scanner-{index % 2 + 1}",
                scan_id=f"demo-{ticket.pk}",
                now=event.starts_at - timedelta(minutes=45) + timedelta(minutes=index * 2),
            )
        Event.objects.filter(pk=event.pk).update(status=was, updated_at=F("updated_at"))
        added += len(orders)
    return added
