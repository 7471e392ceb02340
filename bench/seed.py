"""Seed the benchmark database: one organizer, three published events with one ticket type each, and N verified
buyers with pre-issued JWT access tokens (so sign-in cost stays out of the measurement).

    python -m bench.seed --buyers 32 --capacity 20000 --sellout-capacity 500 --out var/bench/world.json

Refuses to run unless the database name ends in ``_bench``: it is meant for the throw-away database that
bench/run drops and recreates.
"""

import argparse
import json
import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django

ONSALE_SLUG = "bench-onsale"
SELLOUT_SLUG = "bench-sellout"
SERVICES_SLUG = "bench-services"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buyers", type=int, default=32)
    parser.add_argument("--capacity", type=int, default=20000, help="the throughput run's ticket type")
    parser.add_argument("--sellout-capacity", type=int, default=500, help="the oversell run's ticket type")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

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
    args.out.write_text(json.dumps(world, indent=1))
    print(
        f"bench.seed: {len(buyers)} buyers; {ONSALE_SLUG} and {SERVICES_SLUG} capacity {args.capacity}; "
        f"{SELLOUT_SLUG} capacity {args.sellout_capacity}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
