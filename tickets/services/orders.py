"""Orders: checkout a hold into a pending order, confirm payment, expire unpaid orders."""

import secrets
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from accounts.models import User
from events.models import CapacityPool, Event, TicketType
from tickets import locks
from tickets.errors import HoldExpired, InvalidSelection, OneDiscountOnly, OrderNotCancellable
from tickets.models import ORDER_CODE_ALPHABET, Hold, Order, OrderLine, SeatReservation, Ticket
from tickets.services.discounts import Discount, discount_spread
from tickets.services.promo_redemptions import (
    promo_code_quote,
    promo_redemption_claim_locked,
    promo_redemption_lock_released,
    promo_redemption_reclaim_locked,
    promo_redemption_release_locked,
)
from tickets.services.referrals import referral_attach, referral_order_paid, referral_order_refunded, referral_quote


def new_serial(*, year: int) -> str:
    """A short human serial for manual entry at the gate, e.g. EH-2026-7K3M9Q."""
    while True:
        serial = f"EH-{year}-{''.join(secrets.choice(ORDER_CODE_ALPHABET) for _ in range(6))}"
        if not Ticket.objects.filter(serial=serial).exists():
            return serial


@transaction.atomic
def order_checkout(
    *,
    hold: Hold,
    buyer: User,
    attendee_names: Sequence[str],
    now: datetime,
    idempotency_key: str = "",
    promo_code: str = "",
    referral_code: str = "",
) -> Order:
    """Turn the buyer's active hold into a pending order with one unpaid ticket per person.

    The hold's capacity stays reserved for the order until it is paid or expires. A free order
    is paid at once. An order carries at most one discount (``OneDiscountOnly``): with ``promo_code``, the
    code's discount is taken off and one of its uses is claimed; with ``referral_code``, the referral
    program's discount for a new customer (tickets.services.referrals; ignored when the program is off).
    Each ticket's price is what it costs after its share of the discount.
    Locks: the hold, then the promo code (if any), then (free orders) capacity.
    Raises: HoldExpired, InvalidSelection (wrong number of names), OneDiscountOnly, PromoError subclasses,
    ReferralInvalid, ReferralSelf, ReferralNotNewCustomer.
    """
    if idempotency_key:
        existing = Order.objects.filter(buyer=buyer, idempotency_key=idempotency_key).first()
        if existing:
            return existing
    # of=("self",): lock the hold only. Without it the joined event row is locked FOR UPDATE too, which
    # serialises every checkout of the event and blocks the FK inserts of concurrent holds (a deadlock
    # with a free checkout, which goes on to lock ticket types).
    hold = Hold.objects.select_for_update(of=("self",)).select_related("event").filter(pk=hold.pk, buyer=buyer).first()
    if hold is None:
        raise HoldExpired()
    if hold.status == Hold.Status.CHECKED_OUT:
        return hold.order
    if hold.status != Hold.Status.ACTIVE or hold.expires_at <= now:
        raise HoldExpired()
    lines = list(hold.lines.select_related("ticket_type"))
    quantity = sum(line.quantity for line in lines)
    names = [name.strip()[:150] for name in attendee_names]
    if len(names) != quantity:
        raise InvalidSelection(f"Give a name for each of the {quantity} tickets.")
    names = [name or buyer.name for name in names]
    if promo_code.strip() and referral_code.strip():
        raise OneDiscountOnly()
    promo = None
    if promo_code.strip():
        promo = promo_code_quote(event=hold.event, code=promo_code, buyer=buyer, lines=lines, now=now)
    discount, discounted_type_ids = (promo.discount, promo.eligible_ticket_type_ids) if promo else (None, None)
    referral = None
    if referral_code.strip():  # None when the event's program is off: the code is ignored
        referral = referral_quote(code=referral_code, event=hold.event, buyer=buyer, subtotal=hold.total)
        discount = referral.discount if referral else None

    order = Order.objects.create(
        buyer=buyer,
        event=hold.event,
        hold=hold,
        currency=hold.currency,
        subtotal=hold.total,
        discount=discount.amount if discount else 0,
        discount_label=discount.label[:120] if discount else "",
        total=hold.total - discount.amount if discount else hold.total,
        expires_at=hold.expires_at,
        idempotency_key=idempotency_key,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            ticket_type=line.ticket_type,
            quantity=line.quantity,
            unit_price=line.unit_price,
            total=line.unit_price * line.quantity,
        )
        for line in lines
    )
    seats = defaultdict(list)
    for reservation in SeatReservation.objects.filter(hold=hold).order_by("seat_id"):
        seats[reservation.ticket_type_id].append(reservation)
    tickets, name_iter = [], iter(names)
    price_iter = iter(_ticket_prices(lines, discount=discount, type_ids=discounted_type_ids))
    for line in lines:
        for index in range(line.quantity):
            reservation = seats[line.ticket_type_id][index] if seats[line.ticket_type_id] else None
            tickets.append(
                Ticket(
                    order=order,
                    event=hold.event,
                    ticket_type=line.ticket_type,
                    seat_id=reservation.seat_id if reservation else None,
                    attendee_name=next(name_iter),
                    price=next(price_iter),
                    serial=new_serial(year=now.year),
                )
            )
    Ticket.objects.bulk_create(tickets)
    for ticket in Ticket.objects.filter(order=order, seat__isnull=False):
        SeatReservation.objects.filter(seat_id=ticket.seat_id, hold=hold).update(ticket=ticket)
    Hold.objects.filter(pk=hold.pk).update(status=Hold.Status.CHECKED_OUT)
    if promo:  # last before capacity: the code's row stays locked until commit
        promo_redemption_claim_locked(quote=promo, order=order, buyer=buyer, now=now)
    if referral:
        referral_attach(quote=referral, order=order)
    if order.total == 0:
        order_mark_paid_locked(order=order, now=now)
    return order


def _ticket_prices(lines, *, discount: Discount | None, type_ids: Collection[int] | None) -> list[Decimal]:
    """One price per ticket, in line order: the unit price less its share of the discount. The discount
    is spread over the tickets of ``type_ids`` (None: all), so the prices add up to the order's total."""
    prices = [line.unit_price for line in lines for _ in range(line.quantity)]
    if discount is None or not discount.amount:
        return prices
    types = [line.ticket_type_id for line in lines for _ in range(line.quantity)]
    eligible = [index for index, pk in enumerate(types) if type_ids is None or pk in type_ids]
    for index, price in zip(
        eligible, discount_spread(prices=[prices[i] for i in eligible], amount=discount.amount), strict=True
    ):
        prices[index] = price
    return prices


@dataclass(frozen=True)
class PaymentOutcome:
    order: Order
    newly_paid: bool
    needs_refund: bool = False


def _lock_capacity(order: Order) -> tuple[dict[int, int], dict[int, int]]:
    by_type = defaultdict(int)
    for line in order.lines.all():
        by_type[line.ticket_type_id] += line.quantity
    pool_ids = dict(TicketType.objects.filter(pk__in=by_type).values_list("pk", "pool_id"))
    by_pool = defaultdict(int)
    for pk, quantity in by_type.items():
        if pool_ids.get(pk):
            by_pool[pool_ids[pk]] += quantity
    locks.set_lock_timeout()
    locks.pools_for_update(ids=by_pool)
    locks.ticket_types_for_update(ids=by_type)
    return by_type, by_pool


def order_mark_paid_locked(*, order: Order, now: datetime) -> PaymentOutcome:
    """Move an order's reserved capacity to sold and validate its tickets. The order row is locked.

    A payment that arrives after the order expired gets its tickets only if capacity (and its
    seats) are still free; otherwise the outcome asks for a refund.
    """
    if order.status == Order.Status.PAID:
        return PaymentOutcome(order=order, newly_paid=False)
    if order.status == Order.Status.PENDING:
        # The capacity is reserved already: write the order's own rows first and lock the event's hot
        # ticket types last, so each is held for one counter update until commit.
        _order_set_paid(order=order, now=now)
        by_type, by_pool = _lock_capacity(order)
        for pk, quantity in by_type.items():
            TicketType.objects.filter(pk=pk).update(held=F("held") - quantity, sold=F("sold") + quantity)
        for pk, quantity in by_pool.items():
            CapacityPool.objects.filter(pk=pk).update(held=F("held") - quantity, sold=F("sold") + quantity)
    else:  # expired or cancelled meanwhile: the capacity went back to sale
        if Event.objects.filter(pk=order.event_id, status=Event.Status.CANCELLED).exists():
            # The event was cancelled (its job cancels unpaid orders): nothing to sell, the money goes back.
            return PaymentOutcome(order=order, newly_paid=False, needs_refund=True)
        promo_redemption_lock_released(order=order)
        by_type, by_pool = _lock_capacity(order)
        types = TicketType.objects.in_bulk(list(by_type))
        pools = CapacityPool.objects.in_bulk(list(by_pool))
        taken_seats = SeatReservation.objects.filter(seat__tickets__order=order).exclude(ticket__order=order)
        if (
            any(types[pk].capacity - types[pk].sold - types[pk].held < q for pk, q in by_type.items())
            or any(pools[pk].capacity - pools[pk].sold - pools[pk].held < q for pk, q in by_pool.items())
            or taken_seats.exists()
        ):
            return PaymentOutcome(order=order, newly_paid=False, needs_refund=True)
        for pk, quantity in by_type.items():
            TicketType.objects.filter(pk=pk).update(sold=F("sold") + quantity)
        for pk, quantity in by_pool.items():
            CapacityPool.objects.filter(pk=pk).update(sold=F("sold") + quantity)
        SeatReservation.objects.bulk_create(
            [
                SeatReservation(seat_id=t.seat_id, event_id=order.event_id, ticket_type_id=t.ticket_type_id, ticket=t)
                for t in order.tickets.filter(seat__isnull=False)
            ]
        )
        promo_redemption_reclaim_locked(order=order, now=now)
        _order_set_paid(order=order, now=now)
    return PaymentOutcome(order=order, newly_paid=True)


def _order_set_paid(*, order: Order, now: datetime) -> None:
    order.tickets.update(status=Ticket.Status.VALID)
    # A late payment can revive an order the buyer had abandoned: it is no longer cancelled.
    order.status, order.paid_at, order.cancelled_at = Order.Status.PAID, now, None
    order.save(update_fields=["status", "paid_at", "cancelled_at", "updated_at"])
    order_after_paid(order=order, now=now)


def order_after_paid(*, order: Order, now: datetime) -> None:
    """What else happens when an order becomes paid (referral rewards, …). Same transaction, order locked."""
    referral_order_paid(order=order, now=now)


def order_after_refunded(*, order: Order, now: datetime) -> None:
    """What else happens when a paid order is refunded in full (referral rewards revoked, …). Same
    transaction, order locked. Every path that ends an order as refunded calls it once."""
    referral_order_refunded(order=order, now=now)


@transaction.atomic
def order_mark_paid(*, order_id: int, now: datetime) -> PaymentOutcome:
    """Record that an order's payment succeeded. Safe to call any number of times, concurrently.

    Locks: the order, then its shared capacities and ticket types (pk order).
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    return order_mark_paid_locked(order=order, now=now)


@transaction.atomic
def order_mark_refunded(*, order_id: int, now: datetime) -> bool:
    """Refund a paid order in full: its valid tickets stop working at once and their capacity and seats
    return to sale. The money itself goes back through ``payments``. Returns False if the order is not paid.

    Locks: the order, then its shared capacities and ticket types (pk order).
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != Order.Status.PAID:
        return False
    tickets_release_locked(
        order=order, tickets=list(order.tickets.filter(status=Ticket.Status.VALID)), status=Ticket.Status.REFUNDED
    )
    order.status = Order.Status.REFUNDED
    order.save(update_fields=["status", "updated_at"])
    order_after_refunded(order=order, now=now)
    return True


def tickets_release_locked(*, order: Order, tickets: Sequence[Ticket], status: str) -> None:
    """Revoke these valid tickets of a paid order and give their capacity and seats back. The order is
    locked by the caller; this takes the capacity locks (pools, then ticket types, pk order)."""
    by_type = defaultdict(int)
    for ticket in tickets:
        by_type[ticket.ticket_type_id] += 1
    by_pool = defaultdict(int)
    for type_pk, pool_pk in TicketType.objects.filter(pk__in=by_type, pool__isnull=False).values_list("pk", "pool_id"):
        by_pool[pool_pk] += by_type[type_pk]
    locks.set_lock_timeout()
    locks.pools_for_update(ids=by_pool)
    locks.ticket_types_for_update(ids=by_type)
    for type_pk, quantity in by_type.items():
        TicketType.objects.filter(pk=type_pk).update(sold=F("sold") - quantity)
    for pool_pk, quantity in by_pool.items():
        CapacityPool.objects.filter(pk=pool_pk).update(sold=F("sold") - quantity)
    ids = [ticket.pk for ticket in tickets]
    SeatReservation.objects.filter(ticket_id__in=ids).delete()
    Ticket.objects.filter(pk__in=ids, order=order, status=Ticket.Status.VALID).update(status=status)
    for ticket in tickets:
        ticket.status = status


def _order_release_locked(*, order: Order, status: str, now: datetime) -> None:
    """Give a pending order's capacity, seats and promo code use back. The order row is locked by the caller."""
    promo_redemption_release_locked(order=order, now=now)
    by_type, by_pool = _lock_capacity(order)
    for type_pk, quantity in by_type.items():
        TicketType.objects.filter(pk=type_pk).update(held=F("held") - quantity)
    for pool_pk, quantity in by_pool.items():
        CapacityPool.objects.filter(pk=pool_pk).update(held=F("held") - quantity)
    SeatReservation.objects.filter(ticket__order=order).delete()
    order.tickets.update(status=Ticket.Status.CANCELLED)
    order.status = status
    order.cancelled_at = now if status == Order.Status.CANCELLED else None
    order.save(update_fields=["status", "cancelled_at", "updated_at"])


def orders_expire_due(*, now: datetime, limit: int = 500) -> int:
    """Expire unpaid orders past their deadline and give their capacity and seats back."""
    due = list(
        Order.objects.filter(status=Order.Status.PENDING, expires_at__lte=now).values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            order = Order.objects.select_for_update(skip_locked=True).filter(pk=pk, status=Order.Status.PENDING).first()
            if order is None or order.expires_at > now:
                continue
            _order_release_locked(order=order, status=Order.Status.EXPIRED, now=now)
            expired += 1
    return expired


@transaction.atomic
def order_cancel_unpaid(*, order: Order, buyer: User, now: datetime) -> Order:
    """Abandon an order that is still awaiting payment; its tickets go back on sale at once.

    Locks: the order, then its capacities.
    Raises: OrderNotCancellable for paid, expired or already cancelled orders.
    """
    order = Order.objects.select_for_update().filter(pk=order.pk, buyer=buyer).first()
    if order is None or order.status != Order.Status.PENDING:
        raise OrderNotCancellable()
    _order_release_locked(order=order, status=Order.Status.CANCELLED, now=now)
    return order
