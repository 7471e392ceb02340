"""Promo codes, the organizer's side: create, generate, edit, retire and delete them (checkout's side, quoting
and claiming uses, is ``tickets.services.promo_redemptions``)."""

import re
import secrets
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.services import audit_record
from events.errors import EventNotEditable
from events.models import Event, TicketType
from tickets import locks
from tickets.errors import (
    PromoNotEditable,
)
from tickets.models import ORDER_CODE_ALPHABET, PROMO_CODE_MAX_LENGTH, PromoCode, PromoRedemption

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
