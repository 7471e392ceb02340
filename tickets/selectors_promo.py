"""Reads of promo codes: which hidden ticket types a code reveals, and the organizer's list with performance."""

from datetime import datetime

from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from core.errors import NotFound
from events.models import Event, TicketType
from tickets.models import PROMO_CODE_MAX_LENGTH, Order, PromoCode, PromoRedemption


def promo_code_unlocked_type_ids(
    *, event: Event, code: str, now: datetime, buyer: User | None = None
) -> frozenset[int]:
    """The hidden ticket types of ``event`` that ``code`` reveals right now (one query; none without a code).

    A code reveals them while it could be used: active, within its validity window, not used up, and (a
    personal code) only to its owner. It reveals the hidden types among its ticket types, or all hidden
    types of the event when it is not restricted.
    """
    code = (code or "").strip()
    if not code or len(code) > PROMO_CODE_MAX_LENGTH:
        return frozenset()
    usable = (
        PromoCode.objects.filter(event=event, code__iexact=code, is_active=True, unlocks_hidden=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .filter(Q(owner__isnull=True) | Q(owner_id=getattr(buyer, "pk", None)))
        .prefetch_related(Prefetch("ticket_types", queryset=TicketType.objects.only("pk", "event_id", "is_hidden")))
        .first()
    )
    if usable is None or (usable.max_uses is not None and usable.uses >= usable.max_uses):
        return frozenset()
    restricted = list(usable.ticket_types.all())
    if restricted:
        return frozenset(tt.pk for tt in restricted if tt.is_hidden)
    return frozenset(TicketType.objects.filter(event=event, is_hidden=True).values_list("pk", flat=True))


def promo_code_is_known(*, event: Event, code: str) -> bool:
    """Whether ``code`` is one of the event's promo codes (any state): the event page then carries it on to
    the checkout, where its rules are checked and explained."""
    code = (code or "").strip()
    if not code or len(code) > PROMO_CODE_MAX_LENGTH:
        return False
    return PromoCode.objects.filter(event=event, code__iexact=code).exists()


def promo_code_list_for_event(*, event: Event, search: str = "", source: str = "") -> QuerySet[PromoCode]:
    """The event's codes, newest first, with their performance from paid orders: ``orders_paid``,
    ``discount_given`` and ``revenue`` (what those orders brought in after the discount). Two queries
    however many codes: the list with its sums, and the ticket types the codes are restricted to."""
    paid = Q(redemptions__order__status=Order.Status.PAID)
    money = DecimalField(max_digits=14, decimal_places=2)
    codes = PromoCode.objects.filter(event=event)
    if search:
        codes = codes.filter(Q(code__icontains=search.strip()) | Q(note__icontains=search.strip()))
    if source in PromoCode.Source.values:
        codes = codes.filter(source=source)
    return (
        codes.select_related("owner")
        .prefetch_related(Prefetch("ticket_types", queryset=TicketType.objects.only("pk", "name", "event_id")))
        .annotate(
            orders_paid=Count("redemptions", filter=paid),
            discount_given=Coalesce(Sum("redemptions__amount", filter=paid), Value(0), output_field=money),
            revenue=Coalesce(Sum("redemptions__order__total", filter=paid), Value(0), output_field=money),
        )
        .order_by("-created_at", "-id")
    )


def promo_code_get_for_organizer(*, organizer: User, pk: int) -> PromoCode:
    """One promo code of the organizer's events (any event's for admins).

    Raises: NotFound — also for another organizer's code, so its existence is not revealed.
    """
    codes = PromoCode.objects.select_related("event", "owner")
    if not organizer.is_admin:
        codes = codes.filter(event__organizer=organizer)
    promo_code = codes.filter(pk=pk).first()
    if promo_code is None:
        raise NotFound()
    return promo_code


def promo_redemption_for_order(*, order: Order) -> PromoRedemption | None:
    return PromoRedemption.objects.filter(order=order).select_related("promo_code").first()
