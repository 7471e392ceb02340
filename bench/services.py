"""The onsale without HTTP: P processes call the booking services directly, one buyer each.

    python -m bench.services --processes 4 --duration 20 --event bench-services --out var/bench/services.json

Each process loops hold_create → order_checkout → payment_pay_simulated (4242 4242 4242 4242) on one ticket
type, with its own database connection. Compared with the HTTP run, this isolates what the services and
their locks cost from what gunicorn, middleware, authentication and serialisers add. Run it with the
environment bench/run sets (it refuses any database not named *_bench).
"""

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

import django

CARD = "4242424242424242"


def _buyer_loop(index: int, event_slug: str, duration: float, start_at: float, results) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from django.utils import timezone

    from accounts.models import User
    from core.errors import DomainError
    from events.models import Event, TicketType
    from payments.services.payments import payment_pay_simulated
    from tickets.services.holds import LineRequest, hold_create
    from tickets.services.orders import order_checkout

    buyer = User.objects.get(email=f"buyer{index:04d}@bench.test")
    event = Event.objects.get(slug=event_slug)
    ticket_type = TicketType.objects.get(event=event)
    confirmed = errors = 0
    sold_out = False
    time.sleep(max(0.0, start_at - time.time()))
    cpu_before, deadline = time.process_time(), time.perf_counter() + duration
    while time.perf_counter() < deadline and not sold_out:
        now = timezone.now()
        try:
            hold = hold_create(buyer=buyer, event=event, lines=[LineRequest(ticket_type.pk, 1)], now=now)
            order = order_checkout(hold=hold, buyer=buyer, attendee_names=["Bench Attendee"], now=now)
            payment_pay_simulated(order=order, card_number=CARD, now=now)
        except DomainError as exc:
            errors += 1
            sold_out = exc.code == "sold_out"
            continue
        confirmed += 1
    results.put((confirmed, errors, time.process_time() - cpu_before))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--event", default="bench-services")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").endswith("_bench"):
        print("bench.services: refusing to run against anything but a database named *_bench", file=sys.stderr)
        return 2

    results = multiprocessing.Queue()
    start_at = time.time() + 3  # every process has set Django up before the clock starts
    processes = [
        multiprocessing.Process(target=_buyer_loop, args=(index, args.event, args.duration, start_at, results))
        for index in range(args.processes)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=args.duration + 120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    confirmed = sum(outcome[0] for outcome in outcomes)
    errors = sum(outcome[1] for outcome in outcomes)
    cpu = sum(outcome[2] for outcome in outcomes)
    result = {
        "mode": "services",
        "processes": args.processes,
        "rate": round(confirmed / args.duration, 1),
        "confirmed_total": confirmed,
        "errors": errors,
        "python_cpu_ms_per_order": round(cpu / confirmed * 1000, 1) if confirmed else None,
    }
    print(f"--- services: {args.event}, {args.processes} processes, {args.duration} s, no HTTP")
    print(f"  {result['rate']} confirmed orders/s  ({confirmed} orders, {errors} domain errors)")
    print(f"  Python CPU per order (services + ORM + driver): {result['python_cpu_ms_per_order']} ms")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
