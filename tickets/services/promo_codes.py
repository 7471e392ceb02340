"""Promo codes: organizers create, edit and retire them; checkout claims a use atomically; an unpaid order that
expires or is cancelled gives its use back; a late payment that revives such an order claims it again.

Locks (see ``tickets.locks``): a code's row is taken after the hold or order and before any capacity.
"""

import re
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Busy
from core.services import audit_record
from events.errors import EventNotEditable
from events.models import Event, TicketType
from tickets import locks
from tickets.errors import (
    PromoExpired,
    PromoInactive,
    PromoNotApplicable,
    PromoNotEditable,
    PromoNotFound,
    PromoNotStarted,
    PromoUsedUp,
    PromoUserLimit,
)
from tickets.models import ORDER_CODE_ALPHABET, PROMO_CODE_MAX_LENGTH, HoldLine, Order, PromoCode, PromoRedemption
from tickets.services.discounts import Discount, discount_fixed, discount_percent

GENERATED_LENGTH = 8  # 40 bits from a 32-letter alphabet: shareable, not guessable
GENERATE_MAX = 500
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")
EDITABLE_FIELDS = (
    "code", "kind", "value", "max_uses", "per_user_limit", "valid_from", "valid_until", "unlocks_hidden", "note",
)  # fmt: skip
# Redemptions that count against a buyer's limit: every order placed with the code that did not give it back.
HOLDING_USE = (PromoRedemption.Status.COUNTED, PromoRedemption.Status.OVER_LIMIT)


def promo_code_normalise(code: str) -> str:
    """Codes are compared case-insensitively and stored in capitals."""
    return (code or "").strip().upper()


def _random_code(prefix: str = "") -> str:
    return prefix + "".join(secrets.choice(ORDER_CODE_ALPHABET) for _ in range(GENERATED_LENGTH))


# --- organizer use cases ----------------------------------------------------------------------------------------


def _check_event_open(event: Event) -> None:
    if event.status in (Event.Status.CANCELLED, Event.Status.ENDED):
        raise EventNotEditable()


def _validate(promo_code: PromoCode, ticket_types: Collection[TicketType] | None) -> None:
    """Field errors first (named after the inputs), then the model's own validation and constraints."""
    errors: dict[str, list[str]] = {}
    if not CODE_PATTERN.match(promo_code.code):
        errors["code"] = [_("Use letters, digits, - and _ only (no spaces).")]
    elif len(promo_code.code) > PROMO_CODE_MAX_LENGTH:
        errors["code"] = [_("At most %(max)d characters.") % {"max": PROMO_CODE_MAX_LENGTH}]
    elif (
        PromoCode.objects.filter(event_id=promo_code.event_id, code__iexact=promo_code.code)
        .exclude(pk=promo_code.pk)
        .exists()
    ):
        errors["code"] = [_("This event already has the code %(code)s.") % {"code": promo_code.code}]
    if promo_code.value is None or promo_code.value <= 0:
        errors["value"] = [_("Give a discount above 0.")]
    elif promo_code.kind == PromoCode.Kind.PERCENT and promo_code.value > 100:
        errors["value"] = [_("A percentage is at most 100.")]
    if promo_code.valid_from and promo_code.valid_until and promo_code.valid_until <= promo_code.valid_from:
        errors["valid_until"] = [_("The code must end after it starts.")]
    if promo_code.max_uses is not None and promo_code.max_uses < max(1, promo_code.uses):
        errors["max_uses"] = [
            _("It has been used %(uses)d times; the limit cannot be lower.") % {"uses": promo_code.uses}
            if promo_code.uses
            else _("At least 1, or empty for no limit.")
        ]
    if promo_code.per_user_limit is not None and promo_code.per_user_limit < 1:
        errors["per_user_limit"] = [_("At least 1, or empty for no limit.")]
    if ticket_types is not None and any(tt.event_id != promo_code.event_id for tt in ticket_types):
        errors["ticket_types"] = [_("Choose ticket types of this event.")]
    if errors:
        raise ValidationError(errors)
    promo_code.full_clean(exclude=["event", "owner", "created_by"])


def _save(promo_code: PromoCode, ticket_types: Collection[TicketType] | None) -> PromoCode:
    _validate(promo_code, ticket_types)
    try:
        with transaction.atomic():
            promo_code.save()
    except IntegrityError as exc:  # the same code created at the same moment
        if "promocode_code_unique_per_event" in str(exc) or "unique" in str(exc).lower():
            raise ValidationError({"code": [_("This event already has this code.")]}) from exc
        raise
    if ticket_types is not None:
        promo_code.ticket_types.set(ticket_types)
    return promo_code


def _new(
    *,
    event: Event,
    code: str,
    kind: str,
    value: Decimal,
    max_uses: int | None,
    per_user_limit: int | None,
    valid_from: datetime | None,
    valid_until: datetime | None,
    ticket_types: Collection[TicketType],
    unlocks_hidden: bool,
    owner: User | None,
    source: str,
    note: str,
    actor: User | None,
) -> PromoCode:
    promo_code = PromoCode(
        event=event,
        code=code,
        kind=kind,
        value=value,
        max_uses=max_uses,
        per_user_limit=per_user_limit,
        valid_from=valid_from,
        valid_until=valid_until,
        unlocks_hidden=unlocks_hidden,
        owner=owner,
        source=source,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return _save(promo_code, list(ticket_types))


def _new_random(*, prefix: str = "", **fields) -> PromoCode:
    """A code nobody guesses; on the rare clash with an existing code, draw again."""
    for _attempt in range(5):
        try:
            return _new(code=_random_code(prefix), **fields)
        except ValidationError as exc:
            if set(exc.message_dict) != {"code"}:
                raise
    raise ValidationError({"code": [_("Could not draw a free code. Try a different prefix.")]})


@transaction.atomic
def promo_code_create(
    *,
    event: Event,
    code: str | None = None,
    kind: str,
    value: Decimal,
    max_uses: int | None = None,
    per_user_limit: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    ticket_types: Collection[TicketType] = (),
    unlocks_hidden: bool = False,
    owner: User | None = None,
    source: str = PromoCode.Source.ORGANIZER,
    note: str = "",
    actor: User | None,
    now: datetime,
) -> PromoCode:
    """Create a promo code for ``event``; without ``code``, a random one (8 letters and digits).

    ``ticket_types`` restricts the discount to those types (empty: every type); ``unlocks_hidden`` lets the
    code reveal hidden ticket types (those among ``ticket_types``, or all of the event's); ``owner`` makes a
    personal code that only this user may use (the referral program's rewards, ``source="referral_reward"``).
    Raises: ValidationError (per field), EventNotEditable.
    """
    _check_event_open(event)
    fields = {
        "event": event,
        "kind": kind,
        "value": value,
        "max_uses": max_uses,
        "per_user_limit": per_user_limit,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "ticket_types": ticket_types,
        "unlocks_hidden": unlocks_hidden,
        "owner": owner,
        "source": source,
        "note": note,
        "actor": actor,
    }
    code = promo_code_normalise(code or "")
    promo_code = _new(code=code, **fields) if code else _new_random(**fields)
    audit_record(
        actor=actor,
        action="promo_code.created",
        target=promo_code,
        data={"event": event.pk, "source": source, "kind": kind, "value": str(value)},
        now=now,
    )
    return promo_code


@transaction.atomic
def promo_codes_generate(
    *,
    event: Event,
    count: int,
    prefix: str = "",
    kind: str,
    value: Decimal,
    max_uses: int | None = 1,
    per_user_limit: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    ticket_types: Collection[TicketType] = (),
    unlocks_hidden: bool = False,
    note: str = "",
    actor: User,
    now: datetime,
) -> list[PromoCode]:
    """Create ``count`` random codes with the same rules, e.g. one single-use code per newsletter reader.

    Raises: ValidationError (per field), EventNotEditable.
    """
    _check_event_open(event)
    if not 1 <= count <= GENERATE_MAX:
        raise ValidationError({"count": [_("Between 1 and %(max)d codes at a time.") % {"max": GENERATE_MAX}]})
    prefix = promo_code_normalise(prefix)
    if prefix and (not CODE_PATTERN.match(prefix) or len(prefix) > PROMO_CODE_MAX_LENGTH - GENERATED_LENGTH):
        raise ValidationError(
            {"code": [_("A prefix uses letters, digits, - and _ only, at most %(max)d characters.")
                      % {"max": PROMO_CODE_MAX_LENGTH - GENERATED_LENGTH}]}
        )  # fmt: skip
    ticket_types = list(ticket_types)
    created = [
        _new_random(
            prefix=prefix,
            event=event,
            kind=kind,
            value=value,
            max_uses=max_uses,
            per_user_limit=per_user_limit,
            valid_from=valid_from,
            valid_until=valid_until,
            ticket_types=ticket_types,
            unlocks_hidden=unlocks_hidden,
            owner=None,
            source=PromoCode.Source.ORGANIZER,
            note=note,
            actor=actor,
        )
        for _index in range(count)
    ]
    audit_record(
        actor=actor,
        action="promo_code.generated",
        target=event,
        data={"count": count, "prefix": prefix, "kind": kind, "value": str(value)},
        now=now,
    )
    return created


@transaction.atomic
def promo_code_update(*, promo_code: PromoCode, data: dict, actor: User, now: datetime) -> PromoCode:
    """Change a code's rules; orders already placed keep the discount they got.

    ``data`` holds any of ``EDITABLE_FIELDS`` and ``ticket_types``. The limit of uses cannot go below the uses.
    Locks: the code (so no checkout claims a use between the check and the write).
    Raises: ValidationError (per field), PromoNotEditable (referral rewards), EventNotEditable.
    """
    locks.set_lock_timeout()
    promo_code = locks.promo_code_for_update(pk=promo_code.pk)
    if promo_code.source != PromoCode.Source.ORGANIZER:
        raise PromoNotEditable()
    _check_event_open(promo_code.event)
    changed = []
    for field in EDITABLE_FIELDS:
        if field not in data:
            continue
        value = promo_code_normalise(data[field]) if field == "code" else data[field]
        if field == "note":
            value = (value or "").strip()
        if getattr(promo_code, field) != value:
            setattr(promo_code, field, value)
            changed.append(field)
    ticket_types = None
    if "ticket_types" in data:
        ticket_types = list(data["ticket_types"])
        if {tt.pk for tt in ticket_types} != set(promo_code.ticket_types.values_list("pk", flat=True)):
            changed.append("ticket_types")
    _save(promo_code, ticket_types)
    if changed:
        audit_record(actor=actor, action="promo_code.updated", target=promo_code, data={"fields": changed}, now=now)
    return promo_code


@transaction.atomic
def promo_code_deactivate(*, promo_code: PromoCode, actor: User | None, reason: str = "", now: datetime) -> PromoCode:
    """Stop a code from being used from now on. Orders already placed with it keep their discount.
    Deactivating twice is harmless.

    Locks: the code.
    """
    locks.set_lock_timeout()
    promo_code = locks.promo_code_for_update(pk=promo_code.pk)
    if promo_code.is_active:
        promo_code.is_active, promo_code.deactivated_at = False, now
        promo_code.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        audit_record(
            actor=actor, action="promo_code.deactivated", target=promo_code, data={"reason": reason[:200]}, now=now
        )
    return promo_code


@transaction.atomic
def promo_code_reactivate(*, promo_code: PromoCode, actor: User, now: datetime) -> PromoCode:
    """Let buyers use a deactivated code again. Referral rewards stay as the referral program left them.

    Locks: the code.
    Raises: PromoNotEditable, EventNotEditable.
    """
    locks.set_lock_timeout()
    promo_code = locks.promo_code_for_update(pk=promo_code.pk)
    if promo_code.source != PromoCode.Source.ORGANIZER:
        raise PromoNotEditable()
    _check_event_open(promo_code.event)
    if not promo_code.is_active:
        promo_code.is_active, promo_code.deactivated_at = True, None
        promo_code.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        audit_record(actor=actor, action="promo_code.reactivated", target=promo_code, now=now)
    return promo_code


@transaction.atomic
def promo_code_delete(*, promo_code: PromoCode, actor: User, now: datetime) -> bool:
    """Retire a code: removed when no order was ever placed with it, otherwise deactivated and kept for the
    records. Returns True when it was removed.

    Locks: the code.
    Raises: PromoNotEditable (referral rewards).
    """
    locks.set_lock_timeout()
    promo_code = locks.promo_code_for_update(pk=promo_code.pk)
    if promo_code.source != PromoCode.Source.ORGANIZER:
        raise PromoNotEditable()
    if promo_code.redemptions.exists():
        promo_code_deactivate(promo_code=promo_code, actor=actor, reason="deleted", now=now)
        return False
    audit_record(actor=actor, action="promo_code.deleted", target=promo_code, data={"code": promo_code.code}, now=now)
    promo_code.delete()
    return True


# --- checkout ---------------------------------------------------------------------------------------------------


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
