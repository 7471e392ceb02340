"""Measuring pieces shared by the load generators (``bench.load``): the figures a run collects, percentiles,
server CPU from /proc, and a timed JSON POST."""

import asyncio
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

STEPS = ("hold", "checkout", "pay")


@dataclass
class Stats:
    started: float = 0.0
    measure_from: float = 0.0
    finished: float = 0.0
    confirmed: int = 0  # every confirmed order, warm-up included (what the database must show)
    measured: int = 0  # confirmed orders started after the warm-up
    sold_out_at: float | None = None
    latency: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in (*STEPS, "order")})
    errors: Counter = field(default_factory=Counter)
    requests: int = 0
    cpu_marks: list[tuple[float, float, int]] = field(default_factory=list)  # (app s, database s, units done)
    # redeem: the answers by kind of scan and status, what the database must show, the codes admitted so far
    answers: Counter = field(default_factory=Counter)
    scans_answered: int = 0  # distinct scan_ids answered: each must be one Scan row
    scans_unanswered: int = 0  # distinct scan_ids sent without an answer (timeouts): a Scan row or none
    already_used: int = 0  # 409 already_used answers to first sends of a scan_id (each one a Scan row)
    admitted_codes: list[str] = field(default_factory=list)
    admitted_tickets: list[int] = field(default_factory=list)
    codes_left: int = 0


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile, in the values' unit; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def server_cpu_seconds(server_pid: int, database: str) -> tuple[float, float]:
    """CPU seconds used so far by gunicorn (the master and its workers) and by the PostgreSQL backends
    connected to ``database``: a figure that, unlike requests per second, hardly moves when other
    programs share the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    app = db = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat_file:
                stat = stat_file.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline_file:
                cmdline = cmdline_file.read().decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        ppid, used = int(stat[1]), (int(stat[11]) + int(stat[12])) / tick
        if int(entry) == server_pid or ppid == server_pid:
            app += used
        elif cmdline.startswith("postgres:") and f" {database} " in cmdline:
            db += used
    return app, db


def mark_cpu(args, stats: Stats) -> None:
    if args.server_pid:
        done = stats.requests if args.mode == "redeem" else stats.confirmed  # redeem: CPU per scan
        stats.cpu_marks.append((*server_cpu_seconds(args.server_pid, args.database), done))


async def mark_cpu_at(args, stats: Stats, when: float) -> None:
    await asyncio.sleep(max(0.0, when - time.perf_counter()))
    mark_cpu(args, stats)


def local_only(base: str) -> None:
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"bench.load: refusing to send load anywhere but this machine ({base})")


async def post_json(
    session, stats: Stats, step: str, url: str, payload: dict, headers: dict
) -> tuple[int, dict, float]:
    started = time.perf_counter()
    stats.requests += 1
    async with session.post(url, json=payload, headers=headers) as response:
        body = await response.json(content_type=None) if response.content_length != 0 else {}
        return response.status, body or {}, time.perf_counter() - started


def error_key(step: str, status: int, body: dict) -> str:
    code = (body.get("error") or {}).get("code", "") if isinstance(body, dict) else ""
    return f"{step} {status} {code}".strip()
