"""The checks after a benchmark run: the counters, the tickets, the orders, the check-ins and the client must agree.

    python -m bench.check --result var/bench/onsale.json --event bench-onsale [--result … --event …] \
        [--redeem-result var/bench/redeem.json --world var/bench/world.json]

Exits non-zero (and says why, loudly) when any ticket type or shared capacity is oversold, when a counter
disagrees with the rows behind it, or when the database's paid orders differ from what the client confirmed.
With ``--redeem-result``: when a ticket was admitted twice, when the admissions differ from the client's 200
answers, when a 409 was not for a ticket admitted earlier, or when a scan the client sent was not logged.
"""

import argparse
import json
import os
import sys
from pathlib import Path

import django


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--event", action="append", default=[], help="event slug; repeat with --result")
    parser.add_argument("--result", action="append", default=[], type=Path, help="bench.load's JSON output")
    parser.add_argument("--redeem-result", type=Path, help="bench.load redeem's JSON output")
    parser.add_argument("--world", type=Path, help="bench.seed's output (with --redeem-result)")
    args = parser.parse_args(argv)
    if len(args.event) != len(args.result):
        parser.error("give one --result per --event")
    if bool(args.redeem_result) != bool(args.world):
        parser.error("give --redeem-result and --world together")
    if not args.event and not args.redeem_result:
        parser.error("nothing to check")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from django.db.models import F, Q

    from events.models import CapacityPool, TicketType

    problems: list[str] = []
    print("--- oversell check (database)")
    for slug, result_path in zip(args.event, args.result, strict=True):
        check_sales(slug=slug, expected_paid=json.loads(result_path.read_text())["confirmed_total"], problems=problems)
    if args.redeem_result:
        world = json.loads(args.world.read_text())["redeem"]
        # Scanning sells nothing: the seeded orders are all there is, and the counters still match the rows.
        check_sales(slug=world["slug"], expected_paid=world["orders"], problems=problems)
    # The database's own constraints should make these impossible; check anyway, across everything.
    for model in (TicketType, CapacityPool):
        broken = model.objects.filter(Q(sold__gt=F("capacity") - F("held")) | Q(held__lt=0)).count()
        if broken:
            problems.append(f"{broken} {model.__name__} rows violate sold + held <= capacity")
    if args.redeem_result:
        print("--- check-in check (database)")
        check_redeem(slug=world["slug"], result=json.loads(args.redeem_result.read_text()), problems=problems)

    if problems:
        print("  BENCH CHECK FAILED:", file=sys.stderr)
        for problem in problems:
            print(f"    !! {problem}", file=sys.stderr)
        return 1
    print("  oversell check passed: nothing oversold, counters match the rows, the client matches the database")
    if args.redeem_result:
        print("  check-in check passed: one admission per ticket, every 200 is a check-in, every scan is logged")
    return 0


def check_sales(*, slug: str, expected_paid: int, problems: list[str]) -> None:
    """One event's sales: nothing oversold, counters equal the rows behind them, ``expected_paid`` paid orders."""
    from django.db.models import Sum
    from django.utils import timezone

    from events.models import TicketType
    from payments.models import Payment, Refund
    from tickets.models import Hold, HoldLine, Order, OrderLine, Ticket

    now = timezone.now()
    for tt in TicketType.objects.filter(event__slug=slug):
        valid = Ticket.objects.filter(ticket_type=tt, status=Ticket.Status.VALID).count()
        live_holds = (
            HoldLine.objects.filter(ticket_type=tt, hold__status=Hold.Status.ACTIVE).aggregate(n=Sum("quantity"))["n"]
            or 0
        )
        pending = (
            OrderLine.objects.filter(ticket_type=tt, order__status=Order.Status.PENDING).aggregate(n=Sum("quantity"))[
                "n"
            ]
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
        f"  paid orders {paid} (client confirmed {expected_paid}), valid tickets {paid_tickets}, "
        f"succeeded payments {succeeded}, refunds {refunds}, expired-but-active holds {expired_holds}"
    )
    if paid != expected_paid:
        problems.append(f"{slug}: {paid} paid orders in the database, the client confirmed {expected_paid}")
    if succeeded != paid:
        problems.append(f"{slug}: {succeeded} succeeded payments for {paid} paid orders")
    if refunds:
        problems.append(f"{slug}: {refunds} refunds (duplicate or late payments) during a clean onsale")


def check_redeem(*, slug: str, result: dict, problems: list[str]) -> None:
    """The redeem run: exactly one CheckIn per admitted ticket, as many as the client's 200 answers (the same
    tickets); every ``already_used`` scan names a ticket admitted earlier by another scan; one Scan row per
    scan_id the client sent (a retried scan_id records nothing new), each with staff, device and gate."""
    from django.db.models import Count, F, Q

    from checkin.models import CheckIn, Reason, Scan
    from tickets.models import Ticket

    checkins = CheckIn.objects.filter(event__slug=slug)
    scans = Scan.objects.filter(event__slug=slug)
    admitted = checkins.count()
    admitted_tickets = set(checkins.values_list("ticket_id", flat=True))
    twice = (
        CheckIn.objects.filter(ticket__event__slug=slug)
        .values("ticket")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    not_admissible = checkins.filter(~Q(ticket__status=Ticket.Status.VALID) | ~Q(ticket__event=F("event"))).count()
    unbacked = checkins.filter(~Q(scan__result=Reason.OK) | ~Q(scan__ticket=F("ticket"))).count()
    ok_scans = scans.filter(result=Reason.OK).count()
    used = scans.filter(result=Reason.ALREADY_USED)
    used_count = used.count()
    # "Earlier": the admitting scan is another row, received before this one (the client re-scans only codes
    # whose 200 it has already read).
    used_wrongly = used.filter(
        Q(ticket__isnull=True)
        | Q(ticket__checkin__isnull=True)
        | Q(ticket__checkin__scan=F("pk"))
        | Q(ticket__checkin__scan__scanned_at__gt=F("scanned_at"))
    ).count()
    other = dict(scans.exclude(result__in=[Reason.OK, Reason.ALREADY_USED]).values_list("result").annotate(Count("id")))
    unattributed = scans.filter(Q(staff__isnull=True) | Q(gate="") | Q(device_id="")).count()
    scan_rows = scans.count()
    answered, unanswered = result["scans_answered"], result["scans_unanswered"]
    client_tickets = set(result["admitted_tickets"])
    print(
        f"  {slug}: check-ins {admitted} (client 200s {result['admitted']}), tickets admitted twice {twice}, "
        f"check-ins of unadmissible tickets {not_admissible}, check-ins without their ok scan {unbacked}"
    )
    print(
        f"  scans {scan_rows} (client sent {answered} answered + {unanswered} unanswered scan_ids; "
        f"{result['requests']} requests incl. retries): ok {ok_scans}, already_used {used_count} "
        f"(client 409s {result['already_used']}, not after an earlier admission {used_wrongly}), other {other or 0}"
    )
    if twice:
        problems.append(f"{slug}: {twice} tickets admitted more than once")
    # A request that timed out may still have committed: at most that many rows the client cannot know of.
    missing, unknown = client_tickets - admitted_tickets, admitted_tickets - client_tickets
    if missing or len(unknown) > unanswered or len(client_tickets) != result["admitted"]:
        problems.append(
            f"{slug}: {admitted} check-ins, the client got {result['admitted']} admissions "
            f"({len(missing)} of them without a check-in, {len(unknown)} check-ins the client was not told of)"
        )
    if not_admissible or unbacked or ok_scans != admitted:
        problems.append(
            f"{slug}: check-ins and ok scans disagree ({not_admissible} of unadmissible tickets, {unbacked} without "
            f"their ok scan, {ok_scans} ok scans for {admitted} check-ins)"
        )
    if used_wrongly or not result["already_used"] <= used_count <= result["already_used"] + unanswered:
        problems.append(
            f"{slug}: {used_count} already_used scans ({used_wrongly} not after an earlier admission), "
            f"the client got {result['already_used']} 409 already_used"
        )
    if other:
        problems.append(f"{slug}: scans with unexpected results {other}")
    if not answered <= scan_rows <= answered + unanswered:
        problems.append(f"{slug}: {scan_rows} scans logged for {answered} answered (+{unanswered} unanswered) scan_ids")
    if unattributed:
        problems.append(f"{slug}: {unattributed} scans without staff, gate or device")


if __name__ == "__main__":
    sys.exit(main())
