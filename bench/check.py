"""The oversell check after a benchmark run: the counters, the tickets, the orders and the client must agree.

    python -m bench.check --result var/bench/onsale.json --event bench-onsale [--result … --event …]

Exits non-zero (and says why, loudly) when any ticket type or shared capacity is oversold, when a counter
disagrees with the rows behind it, or when the database's paid orders differ from what the client confirmed.
"""

import argparse
import json
import os
import sys
from pathlib import Path

import django


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--event", action="append", required=True, help="event slug; repeat with --result")
    parser.add_argument("--result", action="append", required=True, type=Path, help="bench.load's JSON output")
    args = parser.parse_args(argv)
    if len(args.event) != len(args.result):
        parser.error("give one --result per --event")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from django.db.models import F, Q, Sum
    from django.utils import timezone

    from events.models import CapacityPool, TicketType
    from payments.models import Payment, Refund
    from tickets.models import Hold, HoldLine, Order, OrderLine, Ticket

    now = timezone.now()
    problems: list[str] = []
    print("--- oversell check (database)")
    for slug, result_path in zip(args.event, args.result, strict=True):
        client_confirmed = json.loads(result_path.read_text())["confirmed_total"]
        for tt in TicketType.objects.filter(event__slug=slug):
            valid = Ticket.objects.filter(ticket_type=tt, status=Ticket.Status.VALID).count()
            live_holds = (
                HoldLine.objects.filter(ticket_type=tt, hold__status=Hold.Status.ACTIVE).aggregate(n=Sum("quantity"))[
                    "n"
                ]
                or 0
            )
            pending = (
                OrderLine.objects.filter(ticket_type=tt, order__status=Order.Status.PENDING).aggregate(
                    n=Sum("quantity")
                )["n"]
                or 0
            )
            oversold = max(0, tt.sold + tt.held - tt.capacity, valid - tt.capacity)
            print(
                f"  {slug} / {tt.name}: capacity {tt.capacity}, sold {tt.sold}, held {tt.held} "
                f"(live holds {live_holds}, unpaid orders {pending}), valid tickets {valid}"
            )
            print(f"  oversold: {oversold}")
            if oversold:
                problems.append(f"{slug}: OVERSOLD by {oversold}")
            if tt.sold != valid:
                problems.append(f"{slug}: sold counter {tt.sold} != {valid} valid tickets")
            if tt.held != live_holds + pending:
                problems.append(f"{slug}: held counter {tt.held} != {live_holds} held + {pending} unpaid")
        paid = Order.objects.filter(event__slug=slug, status=Order.Status.PAID).count()
        paid_tickets = Ticket.objects.filter(event__slug=slug, status=Ticket.Status.VALID).count()
        succeeded = Payment.objects.filter(order__event__slug=slug, status=Payment.Status.SUCCEEDED).count()
        refunds = Refund.objects.filter(payment__order__event__slug=slug).count()
        expired_holds = Hold.objects.filter(event__slug=slug, status=Hold.Status.ACTIVE, expires_at__lte=now).count()
        print(
            f"  paid orders {paid} (client confirmed {client_confirmed}), valid tickets {paid_tickets}, "
            f"succeeded payments {succeeded}, refunds {refunds}, expired-but-active holds {expired_holds}"
        )
        if paid != client_confirmed:
            problems.append(f"{slug}: {paid} paid orders in the database, the client confirmed {client_confirmed}")
        if succeeded != paid:
            problems.append(f"{slug}: {succeeded} succeeded payments for {paid} paid orders")
        if refunds:
            problems.append(f"{slug}: {refunds} refunds (duplicate or late payments) during a clean onsale")
    # The database's own constraints should make these impossible; check anyway, across everything.
    for model in (TicketType, CapacityPool):
        broken = model.objects.filter(Q(sold__gt=F("capacity") - F("held")) | Q(held__lt=0)).count()
        if broken:
            problems.append(f"{broken} {model.__name__} rows violate sold + held <= capacity")

    if problems:
        print("  OVERSELL CHECK FAILED:", file=sys.stderr)
        for problem in problems:
            print(f"    !! {problem}", file=sys.stderr)
        return 1
    print("  oversell check passed: nothing oversold, counters match the rows, the client matches the database")
    return 0


if __name__ == "__main__":
    sys.exit(main())
