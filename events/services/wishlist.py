from django.db import IntegrityError, transaction

from accounts.models import User
from events.models import Event, WishlistItem


def wishlist_add(*, user: User, event: Event) -> WishlistItem:
    """Save an event for later; saving twice is harmless."""
    try:
        with transaction.atomic():
            return WishlistItem.objects.create(user=user, event=event)
    except IntegrityError:
        return WishlistItem.objects.get(user=user, event=event)


def wishlist_remove(*, user: User, event: Event) -> None:
    WishlistItem.objects.filter(user=user, event=event).delete()
