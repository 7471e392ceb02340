"""Load the demo world (SPEC §1). Safe to run again: it updates what exists and adds what is missing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from events.demo import seed_catalogue
from tickets.demo import seed_orders
from tickets.demo_applications import seed_applications

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNTS = [
    # email, name, role, city
    ("admin@demo.test", "Ada Admin", User.Role.ADMIN, "London"),
    ("organizer@demo.test", "Olivia Organizer", User.Role.ORGANIZER, "Berlin"),
    ("attendee@demo.test", "Arjun Attendee", User.Role.ATTENDEE, "Lisbon"),
    ("gate@demo.test", "Gabriel Gate", User.Role.ATTENDEE, "Berlin"),
]


class Command(BaseCommand):
    help = "Create the demo accounts, events, orders and check-ins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow running with DEBUG off (never in production).")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development. Use --force if you really mean it.")
        now = timezone.now()
        with transaction.atomic():
            for email, name, role, city in DEMO_ACCOUNTS:
                user, _created = User.objects.get_or_create(
                    email=email, defaults={"name": name, "role": role, "city": city, "email_verified_at": now}
                )
                user.name, user.role, user.city, user.is_active = name, role, city, True
                user.email_verified_at = user.email_verified_at or now
                user.set_password(DEMO_PASSWORD)
                user.save()
            added = seed_catalogue(
                organizer=User.objects.get(email="organizer@demo.test"),
                gate=User.objects.get(email="gate@demo.test"),
                now=now,
            )
        # Outside the block above: bookings and scans run through services with transactions of their own.
        orders = seed_orders(
            attendee=User.objects.get(email="attendee@demo.test"),
            gate=User.objects.get(email="gate@demo.test"),
            now=now,
        )
        applications = seed_applications(now=now)
        self.stdout.write(f"Demo catalogue: {added} new events (re-running adds only what is missing).")
        self.stdout.write(f"Demo applications: {applications} new, for the approval-required hackathon.")
        self.stdout.write(f"Demo orders: {orders} new orders, check-ins on the past event.")
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000/accounts/login/ with:")
        )
        for email, _name, role, _city in DEMO_ACCOUNTS:
            note = "; gate staff of the demo events" if email.startswith("gate") else ""
            self.stdout.write(f"  {email:<22} {DEMO_PASSWORD}   ({role}{note})")
