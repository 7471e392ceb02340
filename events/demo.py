"""The demo catalogue loaded by `manage.py seed_demo` (development only). Re-running it is harmless."""

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from events.models import Category, Event, EventStaff, TicketType, Venue
from events.services.pricing import ticket_type_price_sync
from events.services.seat_maps import SectionSpec, seat_map_generate

CATEGORIES = [
    # name, slug, icon, colour
    ("Music", "music", "music-note-beamed", "#7c3aed"),
    ("Conferences", "conferences", "mic", "#2563eb"),
    ("Theatre", "theatre", "mask", "#be123c"),
    ("Sports", "sports", "trophy", "#15803d"),
    ("Hackathons", "hackathons", "code-slash", "#0f766e"),
    ("Food & Drink", "food-drink", "cup-hot", "#c2410c"),
    ("Comedy", "comedy", "emoji-laughing", "#a16207"),
    ("Workshops", "workshops", "tools", "#4338ca"),
]
VENUES = [
    # key, name, address, city, postal code, country, lat, lon
    ("tempodrom", "Tempodrom", "Möckernstraße 10", "Berlin", "10963", "DE", "52.500500", "13.380600"),
    ("kulturbrauerei", "Kulturbrauerei", "Schönhauser Allee 36", "Berlin", "10435", "DE", "52.539200", "13.413000"),
    (
        "coliseu",
        "Coliseu dos Recreios",
        "Rua das Portas de Santo Antão 96",
        "Lisbon",
        "1150-269",
        "PT",
        "38.716300",
        "-9.140100",
    ),
    ("barbican", "Barbican Centre", "Silk Street", "London", "EC2Y 8DS", "GB", "51.520200", "-0.093800"),
    ("paradiso", "Paradiso", "Weteringschans 6-8", "Amsterdam", "1017 SG", "NL", "52.362200", "4.883700"),
    (
        "razzmatazz",
        "Sala Razzmatazz",
        "Carrer dels Almogàvers 122",
        "Barcelona",
        "08018",
        "ES",
        "41.397800",
        "2.191000",
    ),
]
# slug, title, category, venue key (None = online), days from now, hours long, time zone,
# tickets [(name, price, capacity)], extras
EVENTS = [
    ("neon-nights-festival", "Neon Nights Festival", "music", "tempodrom", 21, 6, "Europe/Berlin",
     [("General admission", "49.00", 800), ("VIP lounge", "129.00", 80)], {"featured": True, "dynamic_pricing": True}),
    ("django-summit-2027", "Django Summit 2027", "conferences", "barbican", 45, 9, "Europe/London",
     [("Early bird", "149.00", 150), ("Regular", "249.00", 350), ("Student", "59.00", 50)], {"featured": True}),
    ("hamlet-in-the-round", "Hamlet in the Round", "theatre", "coliseu", 14, 3, "Europe/Lisbon",
     [("Stalls", "45.00", 0), ("Balcony", "28.00", 0)], {"seated": True, "featured": True}),
    ("open-source-hack-weekend", "Open Source Hack Weekend", "hackathons", "kulturbrauerei", 30, 48, "Europe/Berlin",
     [("Hacker", "0.00", 120)], {"requires_approval": True}),
    ("community-picnic-meetup", "Community Picnic Meetup", "food-drink", "paradiso", 9, 4, "Europe/Amsterdam",
     [("Free entry", "0.00", 200)], {}),
    ("sunset-jazz-sessions", "Sunset Jazz Sessions", "music", "paradiso", 12, 3, "Europe/Amsterdam",
     [("Standing", "32.00", 300)], {}),
    ("late-laughs-comedy-club", "Late Laughs Comedy Club", "comedy", "razzmatazz", 6, 2, "Europe/Madrid",
     [("Seat", "18.00", 150)], {}),
    ("city-10k-run", "City 10K Run", "sports", "tempodrom", 60, 5, "Europe/Berlin",
     [("Runner", "35.00", 1000), ("Charity runner", "60.00", 100)], {}),
    ("sourdough-masterclass", "Sourdough Masterclass", "workshops", "barbican", 18, 3, "Europe/London",
     [("Participant", "75.00", 16)], {}),
    ("remote-product-conf", "Remote Product Conf", "conferences", None, 25, 6, "UTC",
     [("Online pass", "19.00", 5000)], {}),
    ("street-food-market", "Street Food Market", "food-drink", "razzmatazz", 3, 8, "Europe/Madrid",
     [("Tasting pass", "15.00", 400)], {}),
    ("indie-rock-revival", "Indie Rock Revival", "music", "coliseu", -20, 4, "Europe/Lisbon",
     [("General admission", "35.00", 600)], {"past": True}),
]  # fmt: skip

# What the approval-required demo event asks its applicants (events.questions).
HACKATHON_QUESTIONS = [
    {"label": "What would you like to build or contribute to?", "required": True},
    {"label": "Which languages and tools are you comfortable with?", "required": True},
    {"label": "GitHub or portfolio link (optional)", "required": False},
]


def _set_up_dynamic_pricing(ticket_type: TicketType, *, now: datetime) -> None:
    """Early bird until two weeks before, +10 % from half sold, +20 % from 80 %, +5 % in the final 48 hours."""
    ticket_type.dynamic_pricing = True
    ticket_type.price_floor = ticket_type.price - 10
    ticket_type.price_ceiling = ticket_type.price * 2
    ticket_type.pricing_rules = [
        {"kind": "early_bird", "until": (ticket_type.event.starts_at - timedelta(days=14)).isoformat(),
         "adjust": "amount", "value": "-10.00"},
        {"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10.00"},
        {"kind": "sell_through", "threshold": 80, "adjust": "percent", "value": "20.00"},
        {"kind": "last_minute", "threshold": 48, "adjust": "percent", "value": "5.00"},
    ]  # fmt: skip
    ticket_type.save()
    ticket_type_price_sync(ticket_type=ticket_type, now=now, note="Dynamic pricing set up by the organizer")


DESCRIPTION = (
    "{title} brings people together for an evening they will talk about for weeks.\n\n"
    "Doors open an hour before the start. Tickets are personal and scanned at the entrance; "
    "bring your QR code on your phone or printed. Accessible entrances and seating are available — "
    "contact the organizer for assistance."
)


def cover_image(title: str, colour: str) -> ContentFile:
    """A 1200×630 cover: a diagonal gradient in the category colour with the title."""
    width, height = 1200, 630
    base = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    night = (30, 27, 75)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(width):
        mix = x / width
        draw.line([(x, 0), (x, height)], fill=tuple(int(night[i] * mix + base[i] * (1 - mix)) for i in range(3)))
    for radius in (420, 300):  # the "event horizon" rings
        draw.ellipse(
            [width - radius - 80, -radius // 2, width + radius - 80, radius * 1.5], outline=(255, 255, 255), width=2
        )
    font = ImageFont.load_default(size=64)
    words, lines, line = title.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width - 160 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    y = height - 80 - 76 * len(lines)
    for text in lines:
        draw.text((80, y), text, font=font, fill=(255, 255, 255))
        y += 76
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="cover.jpg")


@transaction.atomic
def seed_catalogue(*, organizer: User, gate: User, now: datetime) -> int:
    """Create the demo categories, venues and events that do not exist yet; returns how many events were added."""
    categories = {}
    for position, (name, slug, icon, colour) in enumerate(CATEGORIES):
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "icon": icon, "colour": colour, "position": position}
        )
    venues = {}
    for key, name, address, city, postal_code, country, lat, lon in VENUES:
        venues[key], _ = Venue.objects.get_or_create(
            organizer=organizer,
            name=name,
            defaults={
                "address": address, "city": city, "postal_code": postal_code, "country": country,
                "latitude": Decimal(lat), "longitude": Decimal(lon),
            },
        )  # fmt: skip
    added = 0
    today = now.replace(hour=19, minute=30, second=0, microsecond=0)
    for slug, title, category, venue, days, hours, tz, tickets, extras in EVENTS:
        if Event.objects.filter(slug=slug).exists():
            continue
        starts = today + timedelta(days=days)
        event = Event.objects.create(
            organizer=organizer,
            slug=slug,
            title=title,
            summary=f"{categories[category].name} in {venues[venue].city if venue else 'your browser'}.",
            description=DESCRIPTION.format(title=title),
            category=categories[category],
            venue=venues[venue] if venue else None,
            online_url="" if venue else "https://stream.example.org/remote-product-conf",
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            timezone=tz,
            status=Event.Status.ENDED if extras.get("past") else Event.Status.PUBLISHED,
            published_at=now - timedelta(days=30),
            featured=extras.get("featured", False),
            requires_approval=extras.get("requires_approval", False),
            application_questions=HACKATHON_QUESTIONS if extras.get("requires_approval") else [],
            refund_policy=[{"hours_before": 168, "percent": 100}, {"hours_before": 48, "percent": 50}],
        )
        event.cover.save(f"{slug}.jpg", cover_image(title, categories[category].colour), save=True)
        ticket_types = [
            TicketType.objects.create(event=event, name=name, price=Decimal(price), capacity=capacity, position=index)
            for index, (name, price, capacity) in enumerate(tickets)
        ]
        if extras.get("dynamic_pricing"):
            _set_up_dynamic_pricing(ticket_types[0], now=now)
        if extras.get("seated"):
            seat_map_generate(
                event=event,
                sections=[
                    SectionSpec("Stalls", rows=10, seats_per_row=12, ticket_type=ticket_types[0]),
                    SectionSpec("Balcony", rows=5, seats_per_row=16, ticket_type=ticket_types[1]),
                ],
                actor=organizer,
                now=now,
            )
        EventStaff.objects.get_or_create(event=event, user=gate, defaults={"added_by": organizer})
        added += 1
    return added
