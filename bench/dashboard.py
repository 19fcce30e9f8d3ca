"""The dashboard's audit log list on a large log: seeds N cases (1,000,000 by default) into a
SQLite file and prints p50/p99 page times of /cases for the main filters, served by the real
dashboard on 127.0.0.1 and read over HTTP by a signed-in client (after one warm-up request,
which fills the minute-long cache of the filters' choices).

    python bench/dashboard.py                 # 1,000,000 cases (seeding takes a few minutes)
    python bench/dashboard.py --cases 100000  # quicker
    python bench/dashboard.py --db big.db     # keep (and reuse) the seeded file

The million rows go in with bulk INSERTs of the audit log's own tables (through the core
they would take hours); everything read back goes through the dashboard as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import StorageConfig, load_config  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.events import utcnow  # noqa: E402
from bot.services import build_services  # noqa: E402
from bot.web.auth import hash_password  # noqa: E402
from bot.web.server import Dashboard  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import ActionRow, CaseRow, HitRow  # noqa: E402

COMMUNITIES = ("kopi", "warung-kode", "playground")
PLATFORMS = ("discord", "telegram")
RULES = {
    "slurs": "respect",
    "profanity": "language",
    "insults": "respect",
    "toxic": "respect",
    "invites": "spam",
    "links": "safety",
    "flood": "spam",
    "duplicates": "spam",
    "mass-mentions": "spam",
    "caps": "spam",
    "attachments": "safety",
    "newcomer": "safety",
}
DECISIONS = ("delete", "warn", "timeout", "ban", "escalate", "note")
WORDS = "hello spam free nitro join server buy followers cheap link click here now you are".split()
CHUNK = 20_000


def _case(n: int, start: datetime, span: float, rng: random.Random) -> dict[str, object]:
    user = rng.randrange(50_000)
    decision = rng.choices(DECISIONS, weights=(30, 40, 15, 3, 10, 2))[0]
    return {
        "id": n,
        "community_id": rng.choice(COMMUNITIES),
        "number": n,
        "origin_key": f"bench:{n}",
        "platform": rng.choice(PLATFORMS),
        "chat_id": "c1",
        "channel_id": "general",
        "message_id": str(n),
        "user_id": f"u{user}",
        "user_name": f"member{user}",
        "actor": "auto" if rng.random() < 0.95 else f"mod{rng.randrange(20)}",
        "decision": decision,
        "delete": decision != "note",
        "sanction": decision if decision in ("warn", "timeout", "ban") else "none",
        "duration_s": 3600 if decision == "timeout" else 0,
        "escalate": decision == "escalate",
        "dry_run": False,
        "policy_version": "bench",
        "excerpt": " ".join(rng.choices(WORDS, k=8)) + f" #{n}",
        "created_at": start + timedelta(seconds=span * n),
    }


async def seed(db: Database, cases: int) -> None:
    async with db.read() as conn:
        have = await conn.scalar(select(func.count(CaseRow.id)))
    if have and have >= cases:
        print(f"reusing {have:,} cases", file=sys.stderr)
        return
    rng = random.Random(8)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    span = 365 * 86_400 / cases
    began = time.perf_counter()
    for first in range(1, cases + 1, CHUNK):
        rows = [_case(n, start, span, rng) for n in range(first, min(first + CHUNK, cases + 1))]
        hits, actions = [], []
        for row in rows:
            rule = rng.choice(list(RULES))
            hits.append(
                {
                    "case_id": row["id"],
                    "rule": rule,
                    "guideline": RULES[rule],
                    "reason": rule,
                    "span_start": 0,
                    "span_end": 5,
                    "evidence": str(row["excerpt"])[:5],
                    "shadow": False,
                }
            )
            for seq, kind in enumerate(
                ("delete", row["decision"])[: 1 + (row["sanction"] != "none")]
            ):
                actions.append(
                    {
                        "case_id": row["id"],
                        "key": f"bench:{row['id']}:{seq}",
                        "seq": seq,
                        "kind": kind,
                        "platform": row["platform"],
                        "chat_id": "c1",
                        "user_id": row["user_id"],
                        "channel_id": "general",
                        "message_id": row["message_id"],
                        "reason": "bench",
                        "status": "applied",
                        "attempts": 0,
                        "next_attempt_at": row["created_at"],
                        "created_at": row["created_at"],
                        "updated_at": row["created_at"],
                    }
                )
        async with db.write() as conn:
            await conn.execute(insert(CaseRow), rows)
            await conn.execute(insert(HitRow), hits)
            await conn.execute(insert(ActionRow), actions)
        done = min(first + CHUNK - 1, cases)
        print(
            f"\rseeded {done:,} cases ({time.perf_counter() - began:.0f} s)",
            end="",
            file=sys.stderr,
        )
    print(file=sys.stderr)


def filters() -> dict[str, dict[str, str]]:
    return {
        "newest first": {},
        "community": {"community": "kopi"},
        "platform": {"platform": "telegram"},
        "member": {"member": "member4242"},
        "rule": {"rule": "invites"},
        "guideline": {"guideline": "safety"},
        "action": {"action": "ban"},
        "by a moderator": {"origin": "human"},
        "overturned": {"overturned": "yes"},
        "date range": {"since": "2026-03-01", "until": "2026-03-07"},
        "community+rule+action": {"community": "kopi", "rule": "slurs", "action": "timeout"},
        "text": {"q": "nitro join"},
    }


async def measure(url: str, cookie: str, runs: int) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, cookies={"modbot_session": cookie}) as http:
        async with http.get(f"{url}cases") as reply:  # warm-up: fills the filter choices
            assert reply.status == 200
        print(f"{'filter':<24} {'p50 ms':>8} {'p99 ms':>8} {'rows':>5}")
        for name, params in filters().items():
            times = []
            rows = 0
            for _ in range(runs):
                began = time.perf_counter()
                async with http.get(f"{url}cases?{urlencode(params)}") as reply:
                    body = await reply.text()
                    assert reply.status == 200, (reply.status, body[:200])
                times.append((time.perf_counter() - began) * 1000)
                rows = body.count('class="case-link"')
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            print(f"{name:<24} {statistics.median(times):>8.1f} {p99:>8.1f} {rows:>5}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", help="SQLite file to seed (kept); default: a temporary one")
    parser.add_argument("--runs", type=int, default=50, help="requests per filter")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="modbot-bench-")
    path = Path(args.db) if args.db else Path(folder) / "bench.db"
    config = load_config().model_copy(
        update={"storage": StorageConfig(url=f"sqlite+aiosqlite:///{path}")}
    )
    db = Database(config.storage.resolved_url())
    try:
        await db.migrate()
        await seed(db, args.cases)
        services = build_services(config, db, {}, utcnow, None)
        web = config.web.model_copy(update={"port": 0})
        services.config = config.model_copy(update={"web": web})
        dashboard = Dashboard(services, Core(services), db, None)
        url = await dashboard.start()
        assert url is not None
        await dashboard.store.put_account(
            "bench", hash_password("bench password"), "viewer", utcnow()
        )
        account = await dashboard.store.account("bench")
        assert account is not None
        cookie = await dashboard.store.issue(account, "session", utcnow(), timedelta(hours=1))
        print(f"{args.cases:,} cases in {path}, {args.runs} requests per filter, SQLite")
        await measure(url, cookie, args.runs)
        await dashboard.stop()
    finally:
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
