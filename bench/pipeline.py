"""modbot benchmark: rule throughput, the full pipeline with audit writes, and evasion probes
against two peer libraries. See bench/README.md.

    pip install -e '.[bench]'
    python bench/pipeline.py [--data ../shared/data] [--seconds 5] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[1:1] = [str(ROOT)]  # modbot's packages, also from a checkout that is not installed

import _mix  # noqa: E402
import _peers  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402

from adapters.fake import FakeAdapter  # noqa: E402
from bot.config import CommunityConfig, Config  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.policy import Policy, build_policy  # noqa: E402
from bot.services import build_services  # noqa: E402
from rules import RULE_TYPES  # noqa: E402
from rules.base import Context  # noqa: E402
from rules.normalize import normalize  # noqa: E402
from storage.db import Database  # noqa: E402

TARGET_RATE = 5_000
DEFAULT_DATA = ROOT.parent / "shared" / "data"


def quantile(ordered: list[int], q: float) -> float:
    """The q-quantile of sorted nanoseconds, in microseconds (nearest rank)."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000


def bench_policy(policy: Policy, items: list[_mix.Item], seconds: float, limit: int) -> list[str]:
    """Normalise and evaluate in a tight loop for `seconds`; one table row."""
    perf = time.perf_counter_ns
    latencies: list[int] = []
    flagged = 0
    deadline = perf() + int(seconds * 1e9)
    start = perf()
    while perf() < deadline:
        for item in items:
            msg = item.msg
            began = perf()
            decision = policy.evaluate(
                msg,
                Context(
                    views=normalize(msg.text, limit),
                    now=msg.sent_at,
                    recent=item.recent,
                    scores=item.scores,
                ),
            )
            latencies.append(perf() - began)
            flagged += bool(decision.hits)
            if perf() >= deadline:
                break
    rate = len(latencies) / ((perf() - start) / 1e9)
    latencies.sort()
    verdict = "yes" if rate >= TARGET_RATE else "NO"
    return [
        f"{len(latencies):,}",
        f"{rate:,.0f}",
        f">= {TARGET_RATE:,} {verdict}",
        f"{quantile(latencies, 0.5):.0f}",
        f"{quantile(latencies, 0.99):.0f}",
        f"{latencies[-1] / 1000:,.0f}",
        f"{flagged / len(latencies):.1%}",
    ]


def rule_costs(policy: Policy, items: list[_mix.Item], limit: int) -> list[list[str]]:
    """Mean time of each rule's check, cheapest rules first as `evaluate` runs them. Views are
    built lazily, so a view's cost lands on the first rule that reads it."""
    totals = [0] * len(policy.entries)
    perf = time.perf_counter_ns
    normalise = 0
    for item in items:
        began = perf()
        ctx = Context(normalize(item.msg.text, limit), item.msg.sent_at, item.recent, item.scores)
        normalise += perf() - began
        for index, entry in enumerate(policy.entries):
            began = perf()
            entry.rule.check(item.msg, ctx)
            totals[index] += perf() - began
    rows = [["normalize() (folded view)", "-", f"{normalise / len(items) / 1000:.1f}"]]
    for entry, total in zip(policy.entries, totals, strict=True):
        kind = next(k for k, v in RULE_TYPES.items() if isinstance(entry.rule, v))
        rows.append([entry.name, kind, f"{total / len(items) / 1000:.1f}"])
    return rows


async def bench_pipeline(config: Config, items: list[_mix.Item], seconds: float) -> list[list]:
    """`Core.on_message` (the whole core: rules, audit log, executor, strikes, escalations,
    FAQ, health counters) with a real SQLite audit log and the fake platform."""
    with tempfile.TemporaryDirectory(prefix="modbot-bench-") as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/audit.db")
        try:
            await db.migrate()
            return await _drive(config, db, items, seconds)
        finally:
            await db.close()


async def _drive(config: Config, db: Database, items: list[_mix.Item], seconds: float) -> list:
    fake = FakeAdapter()
    now = [items[0].msg.sent_at]

    def clock() -> datetime:  # the simulated time of the message being handled
        return now[0]

    services = build_services(config, db, {fake.platform: fake}, clock)
    core = Core(services)
    services.pipeline.policies.for_message(items[0].msg)  # build the policy before timing
    span = items[-1].msg.sent_at - items[0].msg.sent_at + timedelta(minutes=10)
    perf = time.perf_counter_ns
    latencies: list[int] = []
    actioned = 0
    deadline = perf() + int(seconds * 1e9)
    start = perf()
    while perf() < deadline:
        shift = span * (len(latencies) // len(items))
        for item in items:
            msg = replace(
                item.msg, message_id=f"b{len(latencies)}", sent_at=item.msg.sent_at + shift
            )
            now[0] = msg.sent_at
            began = perf()
            decision = await core.on_message(msg)
            latencies.append(perf() - began)
            actioned += bool(decision is not None and decision.hits)
            if perf() >= deadline:
                break
    elapsed = (perf() - start) / 1e9
    async with db.read() as conn:
        cases = await conn.scalar(sql("SELECT count(*) FROM cases"))
        hits = await conn.scalar(sql("SELECT count(*) FROM case_hits"))
        actions = await conn.scalar(sql("SELECT count(*) FROM actions"))
        applied = await conn.scalar(sql("SELECT count(*) FROM actions WHERE status = 'applied'"))
    count = len(latencies)
    latencies.sort()
    ok = lambda good: "ok" if good else "MISMATCH"  # noqa: E731
    return [
        ["messages delivered", f"{count:,}", ""],
        ["throughput (msg/s)", f"{count / elapsed:,.0f}", ""],
        [
            "latency p50 / p99 / max (ms)",
            f"{quantile(latencies, 0.5) / 1000:.2f} / {quantile(latencies, 0.99) / 1000:.2f}"
            f" / {latencies[-1] / 1e6:.1f}",
            "",
        ],
        ["messages that produced a case", f"{actioned:,} ({actioned / count:.1%})", ""],
        ["audit rows: cases (SELECT count(*))", f"{cases:,}", ok(cases == actioned)],
        ["audit rows: hits / actions", f"{hits:,} / {actions:,}", ""],
        [
            "actions applied = fake platform calls",
            f"{applied:,} = {len(fake.calls):,}",
            ok(applied == len(fake.calls) == actions),
        ],
    ]


def pin_one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity); single thread"
    return f"pinned to CPU {cpu}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"the shared data folder (default: {DEFAULT_DATA})",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="duration of each throughput run (default 5, 1 with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 s runs and a quarter of the evasion probes (a smoke test)",
    )
    args = parser.parse_args()
    seconds = args.seconds if args.seconds is not None else (1.0 if args.quick else 5.0)
    data = args.data.resolve()
    has_data = data.is_dir()
    if not has_data:
        print(
            f"bench: data folder {data} not found: the dev tweets in (a) and all of (c) are "
            "skipped; pass --data PATH",
            file=sys.stderr,
        )

    config = _mix.bench_config()
    policy = build_policy(config, CommunityConfig(id="bench"))
    limit = config.bot.max_scan_chars
    kinds = sorted(
        {next(k for k, v in RULE_TYPES.items() if isinstance(e.rule, v)) for e in policy.entries}
    )
    print(
        f"modbot benchmark: Python {platform.python_version()}, {platform.machine()}, "
        f"{pin_one_core()}, {seconds:g} s per throughput run"
    )
    print(
        f"policy: {len(policy.entries)} rules covering {len(kinds)}/{len(RULE_TYPES)} types "
        f"({', '.join(kinds)})"
    )

    mix = _mix.chat_mix(2000, policy.window)
    shares = {
        k: sum(i.kind == k for i in mix) / len(mix) for k in dict.fromkeys(i.kind for i in mix)
    }
    mixes = {f"seeded chat mix ({len(mix):,} msgs)": mix}
    if has_data:
        tweets = _mix.dev_mix(data, 500 if args.quick else 3000, policy.window)
        mixes[f"dev tweets OLID+Ibrohim ({len(tweets):,})"] = tweets
    rows = [[name, *bench_policy(policy, items, seconds, limit)] for name, items in mixes.items()]
    print_header = [
        "message mix",
        "msgs timed",
        "msg/s",
        "target",
        "p50 us",
        "p99 us",
        "max us",
        "flagged",
    ]
    _mix.print_table(
        "(a) normalize() + policy.evaluate() with all 14 rule types, one core, tight loop",
        print_header,
        rows,
    )
    print("mix: " + ", ".join(f"{k} {v:.1%}" for k, v in shares.items()))
    _mix.print_table(
        "(a') mean cost per rule on the seeded mix, in evaluation order",
        ["rule", "type", "us/msg"],
        rule_costs(policy, mix, limit),
    )

    table = asyncio.run(bench_pipeline(config, mix, seconds))
    _mix.print_table(
        "(b) Core.on_message + SQLite audit log (WAL, synchronous=FULL) + "
        "executor on the fake platform; no toxicity model",
        ["measure", "value", "check"],
        table,
    )
    if not has_data:
        print(
            f"\nbench: part (c) needs the shared data folder, not found at {data}; "
            "pass --data PATH",
            file=sys.stderr,
        )
        return 2
    met = _peers.run(data, args.quick)
    print(
        f"\nmodbot word rule meets the evasion targets (>= 85% every technique, <= 5% FP): "
        f"{'yes' if met else 'NO'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
