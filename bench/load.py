"""The load generator: concurrent buyers going through the real API, anonymous readers of an event page, or gate
devices redeeming tickets.

    python -m bench.load onsale --base http://127.0.0.1:8765 --world var/bench/world.json --event bench-onsale
    python -m bench.load page --base http://127.0.0.1:8765 --path /events/bench-onsale/
    python -m bench.load redeem --base http://127.0.0.1:8765 --world var/bench/world.json --concurrency 16

Only talks to 127.0.0.1 / localhost. Every loop is bounded (a deadline, a per-request timeout, an order cap and
a cap on consecutive errors). Prints a compact report and writes the raw figures as JSON with ``--out``.
"""

import argparse
import asyncio
import json
import random
import resource
import sys
import time
import uuid
from collections import deque
from pathlib import Path

import aiohttp

from bench.measure import Stats, error_key, local_only, mark_cpu, mark_cpu_at, percentile, post_json

CARD = "4242 4242 4242 4242"
MAX_CONSECUTIVE_ERRORS = 50


async def _buyer(session, args, stats: Stats, token: str, ticket_type: int, stop: asyncio.Event, deadline: float):
    headers = {"Authorization": f"Bearer {token}"}
    base = args.base.rstrip("/") + "/api/v1"
    consecutive_errors = 0
    while not stop.is_set() and time.perf_counter() < deadline and stats.confirmed < args.max_orders:
        if consecutive_errors >= MAX_CONSECUTIVE_ERRORS:
            stats.errors["buyer gave up after consecutive errors"] += 1
            return
        order_started = time.perf_counter()
        step = "hold"
        try:
            status, body, elapsed = await post_json(
                session,
                stats,
                step,
                f"{base}/holds/",
                {"event": args.event, "lines": [{"ticket_type": ticket_type, "quantity": args.quantity}]},
                {**headers, "Idempotency-Key": uuid.uuid4().hex},
            )
            if status == 409 and (body.get("error") or {}).get("code") == "sold_out":
                if stats.sold_out_at is None:
                    stats.sold_out_at = time.perf_counter()
                stop.set()
                return
            if status != 201:
                stats.errors[error_key(step, status, body)] += 1
                consecutive_errors += 1
                continue
            timings = {"hold": elapsed}

            step = "checkout"
            status, body, elapsed = await post_json(
                session,
                stats,
                step,
                f"{base}/holds/{body['id']}/checkout/",
                {"attendee_names": ["Bench Attendee"] * args.quantity},
                {**headers, "Idempotency-Key": uuid.uuid4().hex},
            )
            if status != 201:
                stats.errors[error_key(step, status, body)] += 1
                consecutive_errors += 1
                continue
            timings["checkout"] = elapsed

            step = "pay"
            code = body["code"]
            status, body, elapsed = await post_json(
                session, stats, step, f"{base}/orders/{code}/pay/", {"card_number": CARD}, headers
            )
            if status != 200 or body.get("order", {}).get("status") != "paid":
                stats.errors[error_key(step, status, body)] += 1
                consecutive_errors += 1
                continue
            timings["pay"] = elapsed
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as exc:
            stats.errors[f"{step} {type(exc).__name__}"] += 1
            consecutive_errors += 1
            continue
        consecutive_errors = 0
        stats.confirmed += 1
        if order_started >= stats.measure_from:
            stats.measured += 1
            timings["order"] = time.perf_counter() - order_started
            for name, value in timings.items():
                stats.latency[name].append(value)


async def _reader(session, args, stats: Stats, deadline: float):
    url = args.base.rstrip("/") + args.path
    consecutive_errors = 0
    while time.perf_counter() < deadline and consecutive_errors < MAX_CONSECUTIVE_ERRORS:
        started = time.perf_counter()
        stats.requests += 1
        try:
            async with session.get(url) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            stats.errors[f"page {type(exc).__name__}"] += 1
            consecutive_errors += 1
            continue
        if status != 200:
            stats.errors[f"page {status}"] += 1
            consecutive_errors += 1
            continue
        consecutive_errors = 0
        stats.confirmed += 1
        if started >= stats.measure_from:
            stats.measured += 1
            stats.latency["order"].append(time.perf_counter() - started)


def _error_code(body) -> str:
    return ((body.get("error") or {}).get("code") or "") if isinstance(body, dict) else ""


def _without_replayed(body) -> dict:
    return {key: value for key, value in body.items() if key != "replayed"} if isinstance(body, dict) else {}


async def _device(session, args, stats: Stats, device: dict, event_id: int, codes: deque, stop, deadline, rng):
    """One gate device: mostly fresh codes from the shared queue, sometimes a code admitted earlier (anywhere:
    must answer 409 already_used), now and then a retry of one of its own scans (must replay the first answer).
    """
    url = args.base.rstrip("/") + "/api/v1/checkin/redeem/"
    headers = {"Authorization": f"Bearer {device['token']}"}
    recent: deque[tuple[dict, int, dict]] = deque(maxlen=50)  # (payload, status, body) of this device's scans
    consecutive_errors = 0
    while not stop.is_set() and time.perf_counter() < deadline:
        if consecutive_errors >= MAX_CONSECUTIVE_ERRORS:
            stats.errors["device gave up after consecutive errors"] += 1
            return
        roll = rng.random()
        first = None
        if roll < args.replay_share and recent:
            kind = "replay"
            first = rng.choice(recent)
            payload = first[0]
        else:
            if roll < args.replay_share + args.rescan_share and stats.admitted_codes:
                kind, code = "rescan", rng.choice(stats.admitted_codes)
            elif codes:
                kind, code = "fresh", codes.popleft()
            else:  # every ticket scanned: the gates are done
                stats.sold_out_at = stats.sold_out_at or time.perf_counter()
                stop.set()
                return
            payload = {
                "event": event_id,
                "code": code,
                "gate": device["gate"],
                "device_id": device["device_id"],
                "scan_id": str(uuid.uuid4()),
            }
        # Like a real scanner, a device that got no answer sends the same scan_id again (at most twice more):
        # the server either replays what it recorded or records the scan now, so every scan_id is settled.
        for attempt in range(3):
            started = time.perf_counter()
            stats.requests += 1
            try:
                async with session.post(url, json=payload, headers=headers) as response:
                    status = response.status
                    body = await response.json(content_type=None)
                break
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                stats.errors[f"{kind} {type(exc).__name__}{' (retried)' if attempt < 2 else ''}"] += 1
                await asyncio.sleep(0.1)
        else:
            stats.scans_unanswered += kind != "replay"
            consecutive_errors += 1
            continue
        elapsed = time.perf_counter() - started
        if started >= stats.measure_from:
            stats.latency["scan"].append(elapsed)
            stats.latency[kind].append(elapsed)
        stats.answers[f"{kind} {status} {_error_code(body)}".rstrip()] += 1
        if kind != "replay":
            stats.scans_answered += 1
            stats.already_used += status == 409 and _error_code(body) == "already_used"
            recent.append((payload, status, body))
        if kind == "fresh":
            ok = status == 200 and isinstance(body, dict) and body.get("reason") == "ok"
            if ok:
                stats.admitted_codes.append(payload["code"])
                stats.admitted_tickets.append(body["ticket"]["id"])
        elif kind == "rescan":
            ok = status == 409 and _error_code(body) == "already_used" and bool(body.get("first_used"))
        else:
            ok = (
                status == first[1]
                and isinstance(body, dict)
                and body.get("replayed") is True
                and _without_replayed(body) == _without_replayed(first[2])
            )
        if not ok:
            stats.errors[
                f"{kind} {'answer differs from the first' if kind == 'replay' else 'unexpected'}: "
                f"{status} {_error_code(body)}".rstrip()
            ] += 1
            consecutive_errors += 1
            continue
        consecutive_errors = 0
        if kind == "fresh":
            stats.confirmed += 1
            stats.measured += started >= stats.measure_from


async def _run(args) -> Stats:
    stats = Stats()
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    connector = aiohttp.TCPConnector(limit=args.concurrency, force_close=False)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        stats.started = time.perf_counter()
        stats.measure_from = stats.started + args.warmup
        deadline = stats.measure_from + args.duration
        if args.mode == "onsale":
            world = json.loads(Path(args.world).read_text())
            ticket_type = world["events"][args.event]["ticket_type"]
            tokens = world["tokens"]
            if len(tokens) < args.concurrency:
                raise SystemExit(f"bench.load: {args.concurrency} buyers asked for, only {len(tokens)} seeded")
            stop = asyncio.Event()
            workers = [
                _buyer(session, args, stats, tokens[index], ticket_type, stop, deadline)
                for index in range(args.concurrency)
            ]
        elif args.mode == "redeem":
            redeem = json.loads(Path(args.world).read_text())["redeem"]
            devices = redeem["devices"]
            if len(devices) < args.concurrency:
                raise SystemExit(f"bench.load: {args.concurrency} devices asked for, only {len(devices)} seeded")
            arrivals = Path(redeem["codes"]).read_text().split()
            # People do not arrive in ticket order. Seeded, not secure, on purpose: a run can be repeated.
            random.Random(args.seed).shuffle(arrivals)  # noqa: S311
            codes = deque(arrivals)
            stats.latency = {kind: [] for kind in ("scan", "fresh", "rescan", "replay")}
            stop = asyncio.Event()
            workers = [
                _device(
                    session,
                    args,
                    stats,
                    devices[index],
                    redeem["event"],
                    codes,
                    stop,
                    deadline,
                    random.Random(f"{args.seed}-{index}"),  # noqa: S311
                )
                for index in range(args.concurrency)
            ]
        else:
            workers = [_reader(session, args, stats, deadline) for _ in range(args.concurrency)]
        await asyncio.gather(mark_cpu_at(args, stats, stats.measure_from), *workers)
        stats.finished = time.perf_counter()
        mark_cpu(args, stats)
        if args.mode == "redeem":
            stats.codes_left = len(codes)
    return stats


def report(args, stats: Stats, cpu_seconds: float) -> dict:
    end = stats.finished if stats.sold_out_at is None else min(stats.finished, stats.sold_out_at)
    window = max(end - stats.measure_from, 1e-9)
    unit = {"onsale": "confirmed orders/s", "redeem": "redeems/s"}.get(args.mode, "pages/s")
    result = {
        "mode": args.mode,
        "concurrency": args.concurrency,
        "measured_seconds": round(window, 2),
        "warmup_seconds": args.warmup,
        "rate": round(stats.measured / window, 1),
        "unit": unit,
        "measured": stats.measured,
        "confirmed_total": stats.confirmed,
        "requests": stats.requests,
        "sold_out_after_seconds": round(stats.sold_out_at - stats.started, 2) if stats.sold_out_at else None,
        "errors": dict(stats.errors.most_common()),
        "client_cpu_seconds": round(cpu_seconds, 1),
        "latency_ms": {
            name: {
                "p50": round(percentile(values, 50) * 1000, 1),
                "p95": round(percentile(values, 95) * 1000, 1),
                "p99": round(percentile(values, 99) * 1000, 1),
            }
            for name, values in stats.latency.items()
            if values
        },
    }
    if args.mode == "redeem":
        result.update(
            {
                "devices": args.concurrency,
                "scan_rate": round(len(stats.latency["scan"]) / window, 1),
                "answers": dict(sorted(stats.answers.items())),
                "admitted": stats.confirmed,
                "already_used": stats.already_used,
                "scans_answered": stats.scans_answered,
                "scans_unanswered": stats.scans_unanswered,
                "codes_left": stats.codes_left,
                "admitted_tickets": stats.admitted_tickets,
            }
        )
    if len(stats.cpu_marks) == 2 and stats.cpu_marks[1][2] > stats.cpu_marks[0][2]:
        (app0, db0, done0), (app1, db1, done1) = stats.cpu_marks
        done = done1 - done0
        result["server_cpu_ms_per_unit"] = {
            "app": round((app1 - app0) / done * 1000, 2),
            "database": round((db1 - db0) / done * 1000, 2),
        }
    title = {
        "onsale": f"onsale: {args.event}",
        "redeem": "redeem: POST /api/v1/checkin/redeem/",
    }.get(args.mode, f"page: GET {args.path}")
    print(f"--- {title}, {args.concurrency} concurrent clients, {result['measured_seconds']} s measured")
    print(f"  {result['rate']} {unit}  ({stats.measured} measured, {stats.confirmed} in total incl. warm-up)")
    if args.mode == "redeem":
        print(f"  {result['scan_rate']} scans/s answered (admissions, re-scans and retries)")
        if result["sold_out_after_seconds"] is not None:
            print(f"  every code scanned after {result['sold_out_after_seconds']} s")
        print("  answers (all requests):" + "".join(f"\n    {n:>6}  {key}" for key, n in result["answers"].items()))
    elif result["sold_out_after_seconds"] is not None:
        print(f"  sold out after {result['sold_out_after_seconds']} s")
    print(f"  {'latency ms':<12}{'p50':>8}{'p95':>8}{'p99':>8}")
    for name, figures in result["latency_ms"].items():
        label = "end-to-end" if name == "order" and args.mode == "onsale" else ("GET" if name == "order" else name)
        print(f"  {label:<12}{figures['p50']:>8}{figures['p95']:>8}{figures['p99']:>8}")
    errors = sum(stats.errors.values())
    print(f"  errors: {errors}" + "".join(f"\n    {count:>6}  {key}" for key, count in stats.errors.most_common()))
    if "server_cpu_ms_per_unit" in result:
        cpu = result["server_cpu_ms_per_unit"]
        per = {"onsale": "order", "redeem": "scan"}.get(args.mode, "page")
        print(f"  server CPU per {per}: gunicorn {cpu['app']} ms + PostgreSQL {cpu['database']} ms")
    print(f"  load generator CPU: {result['client_cpu_seconds']} s")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["onsale", "page", "redeem"])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--world", default="var/bench/world.json", help="written by bench.seed (onsale, redeem)")
    parser.add_argument("--event", default="bench-onsale", help="event slug (onsale)")
    parser.add_argument("--path", default="/events/bench-onsale/", help="page to read (page)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds (a bound when selling out)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load not counted in rate and latency")
    parser.add_argument("--quantity", type=int, default=1, help="tickets per order (onsale)")
    parser.add_argument("--max-orders", type=int, default=1_000_000)
    parser.add_argument("--rescan-share", type=float, default=0.05, help="redeem: scans of a code admitted before")
    parser.add_argument("--replay-share", type=float, default=0.01, help="redeem: retries of a device's own scan_id")
    parser.add_argument("--seed", type=int, default=1, help="redeem: arrival order and choices (reproducible)")
    parser.add_argument("--timeout", type=float, default=15.0, help="per-request timeout, seconds")
    parser.add_argument("--server-pid", type=int, help="gunicorn master: report server CPU per order/page")
    parser.add_argument("--database", default="eventhorizon_bench", help="its PostgreSQL database (CPU figures)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    local_only(args.base)

    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    stats = asyncio.run(_run(args))
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    result = report(args, stats, cpu)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
