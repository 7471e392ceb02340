"""Seed the benchmark database: one organizer, three published events with one ticket type each, and N verified
buyers with pre-issued JWT access tokens (so sign-in cost stays out of the measurement). With
``--redeem-tickets``, also an event that is on now with that many paid tickets and one gate-staff account per
scanning device (each with a pre-issued token); the tickets' signed codes go to ``--redeem-codes``.

    python -m bench.seed --buyers 32 --capacity 20000 --sellout-capacity 500 --out var/bench/world.json \
        --devices 16 --redeem-tickets 20000 --redeem-codes var/bench/redeem-codes.txt

Refuses to run unless the database name ends in ``_bench``: it is meant for the throw-away database that
bench/run drops and recreates.
"""

import argparse
import json
import os
import secrets
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django

ONSALE_SLUG = "bench-onsale"
SELLOUT_SLUG = "bench-sellout"
SERVICES_SLUG = "bench-services"
REDEEM_SLUG = "bench-redeem"
REDEEM_TICKETS_PER_ORDER = 4  # orders of 1–4 tickets, like groups arriving together


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buyers", type=int, default=32)
    parser.add_argument("--capacity", type=int, default=20000, help="the throughput run's ticket type")
    parser.add_argument("--sellout-capacity", type=int, default=500, help="the oversell run's ticket type")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--devices", type=int, default=16, help="gate-staff accounts of the redeem run")
    parser.add_argument("--redeem-tickets", type=int, default=0, help="paid tickets to scan (0: no redeem event)")
    parser.add_argument("--redeem-codes", type=Path, help="where the signed codes go, one per line")
    args = parser.parse_args(argv)
    if args.redeem_tickets and not args.redeem_codes:
        parser.error("--redeem-tickets needs --redeem-codes")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from events.models import Category, Event, TicketType, Venue

    if connection.vendor != "postgresql" or not connection.settings_dict["NAME"].endswith("_bench"):
        print("bench.seed: refusing to seed anything but a PostgreSQL database named *_bench", file=sys.stderr)
        return 2

    now = timezone.now()
    with transaction.atomic():
        organizer = User.objects.create(
            email="organizer@bench.test",
            name="Bench Organizer",
            role=User.Role.ORGANIZER,
            email_verified_at=now,
            password=make_password(None),
        )
        category = Category.objects.create(name="Bench", slug="bench")
        venue = Venue.objects.create(
            organizer=organizer, name="Bench Arena", address="1 Load Street", city="Berlin", country="DE"
        )
        ticket_types = {}
        for slug, title, capacity in (
            (ONSALE_SLUG, "Bench Onsale", args.capacity),
            (SELLOUT_SLUG, "Bench Sellout", args.sellout_capacity),
            (SERVICES_SLUG, "Bench Services", args.capacity),
        ):
            event = Event.objects.create(
                organizer=organizer,
                title=title,
                slug=slug,
                summary="A hot onsale for the benchmark.",
                description="One ticket type, many buyers at once.\n\n" * 5,
                category=category,
                venue=venue,
                starts_at=now + timedelta(days=30),
                ends_at=now + timedelta(days=30, hours=4),
                status=Event.Status.PUBLISHED,
                published_at=now,
            )
            ticket_types[slug] = TicketType.objects.create(
                event=event, name="General admission", price=Decimal("49.00"), capacity=capacity
            )
        # One unusable password hash for everyone: the buyers never sign in, they carry tokens.
        unusable = make_password(None)
        buyers = User.objects.bulk_create(
            User(
                email=f"buyer{index:04d}@bench.test",
                name=f"Bench Buyer {index}",
                email_verified_at=now,
                password=unusable,
            )
            for index in range(args.buyers)
        )

    world = {
        "events": {
            slug: {"slug": slug, "ticket_type": ticket_type.pk, "capacity": ticket_type.capacity}
            for slug, ticket_type in ticket_types.items()
        },
        "tokens": [str(AccessToken.for_user(buyer)) for buyer in buyers],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.redeem_tickets:
        started = time.perf_counter()
        world["redeem"] = seed_redeem(
            organizer=organizer,
            category=category,
            venue=venue,
            buyers=buyers,
            tickets=args.redeem_tickets,
            devices=args.devices,
            codes_path=args.redeem_codes,
            now=now,
        )
        print(
            f"bench.seed: {REDEEM_SLUG}: {args.redeem_tickets} paid tickets in {world['redeem']['orders']} orders, "
            f"{args.devices} gate-staff accounts ({time.perf_counter() - started:.1f} s)"
        )
    args.out.write_text(json.dumps(world, indent=1))
    print(
        f"bench.seed: {len(buyers)} buyers; {ONSALE_SLUG} and {SERVICES_SLUG} capacity {args.capacity}; "
        f"{SELLOUT_SLUG} capacity {args.sellout_capacity}"
    )
    return 0


def _unique_codes(count: int, make) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(make())
    return list(codes)


def seed_redeem(*, organizer, category, venue, buyers, tickets: int, devices: int, codes_path: Path, now) -> dict:
    """An event that is on now (check-in open) with ``tickets`` paid tickets of one type, and ``devices`` gate-staff
    accounts with pre-issued JWT access tokens; writes the tickets' signed codes to ``codes_path``.

    Bulk-created, but exactly as the booking services leave a paid order: order (paid) → order line → valid
    tickets → succeeded simulated payment, and the ticket type's ``sold`` equal to the valid tickets (so the
    oversell check holds for this event too). Orders have no hold: a hold only matters until checkout.
    """
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from events.models import Event, EventStaff, TicketType
    from payments.models import Payment, Provider
    from payments.providers.simulated import SimulatedProvider
    from tickets.models import ORDER_CODE_ALPHABET, Order, OrderLine, Ticket, new_order_code
    from tickets.signing import ticket_code

    if not buyers:
        raise SystemExit("bench.seed: the redeem event needs at least one buyer (--buyers)")
    price = Decimal("49.00")
    sizes = [min(REDEEM_TICKETS_PER_ORDER, tickets - start) for start in range(0, tickets, REDEEM_TICKETS_PER_ORDER)]
    paid_at = now - timedelta(days=7)
    provider = SimulatedProvider()
    with transaction.atomic():
        # Started an hour ago: check-in (opening CHECKIN_OPENS_HOURS_BEFORE the start) is open.
        event = Event.objects.create(
            organizer=organizer,
            title="Bench Redeem",
            slug=REDEEM_SLUG,
            summary="Doors are open: gate devices scanning at once.",
            description="One ticket type, every ticket paid, many gates.",
            category=category,
            venue=venue,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=5),
            status=Event.Status.PUBLISHED,
            published_at=now - timedelta(days=30),
        )
        ticket_type = TicketType.objects.create(
            event=event, name="General admission", price=price, capacity=tickets, sold=tickets
        )
        order_codes = _unique_codes(len(sizes), new_order_code)
        orders = Order.objects.bulk_create(
            Order(
                code=code,
                buyer=buyers[index % len(buyers)],
                event=event,
                status=Order.Status.PAID,
                currency=event.currency,
                subtotal=price * size,
                total=price * size,
                expires_at=paid_at + timedelta(minutes=15),
                paid_at=paid_at,
                created_at=paid_at,
            )
            for index, (code, size) in enumerate(zip(order_codes, sizes, strict=True))
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=order, ticket_type=ticket_type, quantity=size, unit_price=price, total=price * size)
            for order, size in zip(orders, sizes, strict=True)
        )
        payments = []
        for order in orders:
            payment = Payment(
                order=order,
                provider=Provider.SIMULATED,
                amount=order.total,
                currency=order.currency,
                status=Payment.Status.SUCCEEDED,
                succeeded_at=paid_at,
                created_at=paid_at,
            )
            state = provider.create_payment(payment=payment)
            payment.provider_payment_id, payment.client_secret = state.provider_payment_id, state.client_secret
            payments.append(payment)
        Payment.objects.bulk_create(payments, batch_size=2000)
        # tickets.services.orders.new_serial's format, without its one query per serial (the database is new).
        serials = _unique_codes(
            tickets, lambda: f"EH-{now.year}-{''.join(secrets.choice(ORDER_CODE_ALPHABET) for _ in range(6))}"
        )
        serial_iter = iter(serials)
        rows = Ticket.objects.bulk_create(
            (
                Ticket(
                    order=order,
                    event=event,
                    ticket_type=ticket_type,
                    attendee_name=f"Bench Guest {order.pk}-{position + 1}",
                    price=price,
                    serial=next(serial_iter),
                    status=Ticket.Status.VALID,
                    created_at=paid_at,
                )
                for order, size in zip(orders, sizes, strict=True)
                for position in range(size)
            ),
            batch_size=2000,
        )
        unusable = make_password(None)
        staff = User.objects.bulk_create(
            User(
                email=f"gate{index + 1:02d}@bench.test",
                name=f"Bench Gate Staff {index + 1}",
                email_verified_at=now,
                password=unusable,
            )
            for index in range(devices)
        )
        EventStaff.objects.bulk_create(EventStaff(event=event, user=user, added_by=organizer) for user in staff)

    # The codes the tickets' QR images carry: the slowest part of the seed (≈ 250 µs each here, mostly deriving
    # the event's key again for every code), and done once, so the load generator only reads them.
    codes = [
        ticket_code(event_id=event.pk, ticket_id=row.pk, ticket_type_id=ticket_type.pk, version=row.version)
        for row in rows
    ]
    codes_path.parent.mkdir(parents=True, exist_ok=True)
    codes_path.write_text("\n".join(codes) + "\n")
    return {
        "slug": REDEEM_SLUG,
        "event": event.pk,
        "ticket_type": ticket_type.pk,
        "tickets": len(rows),
        "orders": len(orders),
        "codes": str(codes_path),
        "devices": [
            {
                "token": str(AccessToken.for_user(user)),
                "gate": f"Gate {index + 1}",
                "device_id": f"bench-{index + 1:02d}",
            }
            for index, user in enumerate(staff)
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
