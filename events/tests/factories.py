from datetime import timedelta
from decimal import Decimal

import factory
from django.utils.timezone import now

from accounts.tests.factories import UserFactory
from events.models import CapacityPool, Category, Event, TicketType, Venue


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    organizer = factory.SubFactory(UserFactory, organizer=True)
    name = factory.Sequence(lambda n: f"Hall {n}")
    address = "1 Main Street"
    city = "Berlin"
    country = "DE"


class EventFactory(factory.django.DjangoModelFactory):
    """A published, public, in-person event a week from now."""

    class Meta:
        model = Event

    organizer = factory.SubFactory(UserFactory, organizer=True)
    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    summary = "A night to remember."
    description = "Music, talks and good company."
    category = factory.SubFactory(CategoryFactory)
    venue = factory.SubFactory(VenueFactory, organizer=factory.SelfAttribute("..organizer"))
    starts_at = factory.LazyFunction(lambda: now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    timezone = "Europe/Berlin"
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(now)

    class Params:
        draft = factory.Trait(status=Event.Status.DRAFT, published_at=None)
        online = factory.Trait(venue=None, online_url="https://meet.example.com/room")


class CapacityPoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapacityPool

    event = factory.SubFactory(EventFactory)
    name = "Everyone"
    capacity = 100


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Standard {n}")
    price = Decimal("25.00")
    capacity = 100
