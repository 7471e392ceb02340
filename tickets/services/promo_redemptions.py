"""Promo codes at checkout: quote a code against a hold, claim a use atomically; an unpaid order that expires or
is cancelled gives its use back; a late payment that revives such an order claims it again.

Locks (see ``tickets.locks``): a code's row is taken after the hold or order and before any capacity.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import OperationalError
from django.db.models import F, Q
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Busy
from core.services import audit_record
from events.models import Event
from tickets import locks
from tickets.errors import (
    PromoExpired,
    PromoInactive,
    PromoNotApplicable,
    PromoNotFound,
    PromoNotStarted,
    PromoUsedUp,
    PromoUserLimit,
)
from tickets.models import PROMO_CODE_MAX_LENGTH, HoldLine, Order, PromoCode, PromoRedemption
from tickets.services.discounts import Discount, discount_fixed, discount_percent
from tickets.services.promo_codes import HOLDING_USE, promo_code_normalise


@dataclass(frozen=True)
class PromoQuote:
    """What a code gives on a hold: the discount and the ticket types it applies to."""

    promo_code: PromoCode
    discount: Discount
    eligible_ticket_type_ids: frozenset[int]


def _discount_amount(promo_code: PromoCode, base: Decimal) -> Decimal:
    if promo_code.kind == PromoCode.Kind.PERCENT:
        return discount_percent(base=base, percent=promo_code.value)
    return discount_fixed(base=base, amount=promo_code.value)


def _check_usable(promo_code: PromoCode | None, *, buyer: User | None, now: datetime) -> PromoCode:
    """The rules that do not depend on the chosen tickets, in the order a buyer can act on them."""
    if promo_code is None:
        raise PromoNotFound()
    if not promo_code.is_active:
        raise PromoInactive()
    if promo_code.owner_id and (buyer is None or promo_code.owner_id != buyer.pk):
        raise PromoNotApplicable(_("This code is personal and belongs to another account."))
    if promo_code.valid_from and now < promo_code.valid_from:
        raise PromoNotStarted()
    if promo_code.valid_until and now >= promo_code.valid_until:
        raise PromoExpired()
    if promo_code.max_uses is not None and promo_code.uses >= promo_code.max_uses:
        raise PromoUsedUp()
    return promo_code


def _promo_code_find(*, event: Event, code: str) -> PromoCode | None:
    code = promo_code_normalise(code)
    if not code or len(code) > PROMO_CODE_MAX_LENGTH:
        return None
    return PromoCode.objects.filter(event=event, code__iexact=code).first()


def promo_code_quote(*, event: Event, code: str, buyer: User, lines: Sequence[HoldLine], now: datetime) -> PromoQuote:
    """Check that ``buyer`` may use ``code`` on these hold lines now, and work out the discount. Reads only:
    the checkout page shows it before the buyer commits, and ``order_checkout`` claims the use.

    The discount applies to the lines of the code's ticket types only (all lines when it names none):
    a percentage of their total, or a fixed amount off the order, never more than their total.
    Raises: PromoNotFound, PromoInactive, PromoNotApplicable, PromoNotStarted, PromoExpired, PromoUsedUp,
    PromoUserLimit.
    """
    promo_code = _check_usable(_promo_code_find(event=event, code=code), buyer=buyer, now=now)
    if promo_code.per_user_limit is not None:
        used = PromoRedemption.objects.filter(promo_code=promo_code, user=buyer, status__in=HOLDING_USE).count()
        if used >= promo_code.per_user_limit:
            raise PromoUserLimit()
    restricted = set(promo_code.ticket_types.values_list("pk", flat=True))
    eligible = [line for line in lines if not restricted or line.ticket_type_id in restricted]
    base = sum((line.unit_price * line.quantity for line in eligible), Decimal(0))
    if not eligible or base <= 0:
        raise PromoNotApplicable()
    label = _("Promo code %(code)s") % {"code": promo_code.code}
    return PromoQuote(
        promo_code=promo_code,
        discount=Discount(amount=_discount_amount(promo_code, base), label=label),
        eligible_ticket_type_ids=frozenset(line.ticket_type_id for line in eligible),
    )


def promo_redemption_claim_locked(*, quote: PromoQuote, order: Order, buyer: User, now: datetime) -> PromoRedemption:
    """Take one use of the quoted code for ``order`` (at checkout; the caller holds the hold's lock).

    One conditional UPDATE claims the use (``uses < max_uses``, still active) and keeps the code's row
    locked until commit: two checkouts can never both take the last use, and the buyer's count below is
    serialised with the buyer's other checkouts. A refusal rolls the caller's transaction back.
    Raises: PromoInactive, PromoUsedUp, PromoUserLimit.
    """
    promo_code = quote.promo_code
    locks.set_lock_timeout()
    with_room = Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses"))
    try:
        claimed = PromoCode.objects.filter(with_room, pk=promo_code.pk, is_active=True).update(uses=F("uses") + 1)
    except OperationalError as exc:  # the lock timeout, on PostgreSQL
        if "lock" in str(exc).lower():
            raise Busy() from exc
        raise
    if not claimed:
        current = PromoCode.objects.filter(pk=promo_code.pk).first()
        if current is None or not current.is_active:
            raise PromoInactive()
        raise PromoUsedUp()
    if promo_code.per_user_limit is not None:
        used = PromoRedemption.objects.filter(promo_code=promo_code, user=buyer, status__in=HOLDING_USE).count()
        if used >= promo_code.per_user_limit:
            raise PromoUserLimit()
    return PromoRedemption.objects.create(
        promo_code=promo_code, order=order, user=buyer, amount=quote.discount.amount, created_at=now
    )


def promo_redemption_release_locked(*, order: Order, now: datetime) -> None:
    """Give back the use held by an unpaid order that expires or is cancelled. The order row is locked;
    the code's row is locked next (before any capacity)."""
    redemption = PromoRedemption.objects.filter(order=order, status=PromoRedemption.Status.COUNTED).first()
    if redemption is None:
        return
    PromoCode.objects.filter(pk=redemption.promo_code_id, uses__gt=0).update(uses=F("uses") - 1)
    redemption.status, redemption.released_at = PromoRedemption.Status.RELEASED, now
    redemption.save(update_fields=["status", "released_at", "updated_at"])


def promo_redemption_lock_released(*, order: Order) -> PromoRedemption | None:
    """Before a late payment revives an expired or cancelled order: lock the code whose use the order gave
    back (after the order, before the capacity, as the lock order wants). Returns that redemption."""
    redemption = PromoRedemption.objects.filter(order=order, status=PromoRedemption.Status.RELEASED).first()
    if redemption is not None:
        locks.set_lock_timeout()
        locks.promo_code_for_update(pk=redemption.promo_code_id)
    return redemption


def promo_redemption_reclaim_locked(*, order: Order, now: datetime) -> None:
    """A late payment revives ``order``: take its code's use again. The order and the code are locked
    (``promo_redemption_lock_released``).

    The buyer paid the discounted price in good faith while the code was valid, and the money has moved,
    so the order keeps its tickets at that price even if the code was used up (or deactivated) meanwhile.
    Such a use is recorded as "honoured over the limit" and written to the audit log; it does not push the
    counter past ``max_uses``.
    """
    redemption = PromoRedemption.objects.filter(order=order, status=PromoRedemption.Status.RELEASED).first()
    if redemption is None:
        return
    with_room = Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses"))
    claimed = PromoCode.objects.filter(with_room, pk=redemption.promo_code_id).update(uses=F("uses") + 1)
    redemption.status = PromoRedemption.Status.COUNTED if claimed else PromoRedemption.Status.OVER_LIMIT
    redemption.released_at = None
    redemption.save(update_fields=["status", "released_at", "updated_at"])
    if not claimed:
        audit_record(
            actor=None,
            action="promo_code.honoured_over_limit",
            target=redemption.promo_code,
            data={"order": order.code, "amount": str(redemption.amount)},
            now=now,
        )
