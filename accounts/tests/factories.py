import factory
from django.utils import timezone

from accounts.models import User

DEFAULT_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    role = User.Role.ATTENDEE
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(DEFAULT_PASSWORD)

    class Params:
        unverified = factory.Trait(email_verified_at=None)
        organizer = factory.Trait(role=User.Role.ORGANIZER)
        admin = factory.Trait(role=User.Role.ADMIN)
