"""Sustained load: messages offered open-loop at rising rates through the whole core (rules,
audit writes, executor, strikes, escalations, FAQ, health counters) on two fake platforms at
once, on SQLite and on PostgreSQL side by side; with `--model`, the offline model too.

    python bench/soak.py                            # 500..4,000 msg/s, 20 s a step
    python bench/soak.py --rates 2000 --seconds 60  # the issue's target, a minute
    python bench/soak.py --model --rates 50,200,800

Open-loop: message i is due at start + i / rate whether or not earlier ones are done, so a
slow core shows as latency (and a falling achieved rate), never as a politely slower sender.
Latencies are from a message's due time: "p50/p99" to the decision (judged, and its case
durably written when it breaks a rule: record, then act), "acted p99" to the end of
`on_message` (the fake platform calls made and their results written; see _offer.py).
Prints, per store and rate: achieved rate, p50/p99 decision latency, acted p99, max
event-loop lag, RSS growth, cases written, and (model path) the share left unscored. The
target is checked on the decision latency. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from multiprocessing.synchronize import Barrier
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[1:1] = [str(ROOT), str(ROOT / "bench")]

import _mix  # noqa: E402
from _offer import Step, offer, step_of  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402

from adapters.fake import FakeAdapter  # noqa: E402
from bot.app import build_classifier  # noqa: E402
from bot.classifier import Scores  # noqa: E402
from bot.config import CommunityConfig, Config, load_config  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.events import Message, utcnow  # noqa: E402
from bot.heap import keep_heap, settle_heap  # noqa: E402
from bot.services import build_services  # noqa: E402
from storage.db import Database  # noqa: E402

PLATFORMS = ("telegram", "discord")
TARGET = (2_000, 20.0, 100.0)  # msg/s, p99 ms, loop lag ms


def soak_config(model: bool) -> Config:
    """The shipped policy for one community on both platforms; the model only with --model."""
    config = load_config()
    community = CommunityConfig(
        id="soak",
        platforms={"telegram": ["-100"], "discord": ["42"]},
        moderator_channels={"telegram": "-200", "discord": "43"},
    )
    update = {"communities": [community], "web": config.web.model_copy(update={"enabled": False})}
    if not model:
        update["model"] = config.model.model_copy(update={"backend": "none"})
        update["rules"] = [r for r in config.rules if r.type != "toxicity"]
    return config.model_copy(update=update)


def messages(count: int, platforms: tuple[str, ...] = PLATFORMS) -> list[Message]:
    """The benchmark's seeded chat mix (10% abusive, spam bursts, hostile input), each
    message on one platform or the other, with fresh ids and times (only those of
    `platforms`: a process that serves one platform gets that platform's half)."""
    mix = [item.msg for item in _mix.chat_mix(2000, 6)]
    chats = {"telegram": "-100", "discord": "42"}
    out = []
    for n in range(count):
        msg = mix[n % len(mix)]
        platform = PLATFORMS[n % 2]
        # A community busy enough for thousands of messages a second has thousands of
        # members talking: each of the mix's 300 authors stands for 64 people here.
        user = f"{msg.author.user_id}.{n % 64}"
        author = replace(
            msg.author, platform=platform, community_id=chats[platform], user_id=user, name=user
        )
        out.append(
            replace(
                msg,
                platform=platform,
                community_id=chats[platform],
                author=author,
                message_id=f"k{n}",
                sent_at=utcnow(),
            )  # fmt: skip
        )
    return [m for m in out if m.platform in platforms]


async def soak(
    url: str,
    rates: list[int],
    seconds: float,
    model: bool,
    served: tuple[str, ...] = PLATFORMS,
    together: Barrier | None = None,
) -> list[Step]:
    """Offer each rate in turn (a process serving some of the platforms offers its share of
    each rate, starting each step `together` with the other processes)."""
    config = soak_config(model)
    db = Database(url)
    await db.migrate()
    fakes = {p: FakeAdapter(p, community_id="-100" if p == "telegram" else "42") for p in PLATFORMS}
    classifier = build_classifier(config) if model else None
    stop = asyncio.Event()
    worker = None
    outcomes: Counter[str] = Counter()
    if classifier is not None:
        await classifier.load()
        worker = asyncio.create_task(classifier.run(stop))
        score = classifier.score

        async def counted(text: str) -> Scores | None:
            scores = await score(text)
            outcomes["scored" if scores is not None else "unscored"] += 1
            return scores

        classifier.score = counted  # type: ignore[method-assign]
    services = build_services(config, db, fakes, utcnow, classifier)
    core = Core(services)
    batch = messages(4000, served)
    settle_heap()  # as App does once its services are built
    share = len(served) / len(PLATFORMS)
    flusher = asyncio.create_task(services.metrics.run(stop))  # every 10 s, as App
    heap = asyncio.create_task(keep_heap(stop))
    # A running bot is warm: its FAQ read, its statements compiled, its caches filled.
    await offer(core, batch, round(200 * share), 2.0)
    steps = []
    for rate in rates:
        before = await _cases(db, served)
        outcomes.clear()
        if together is not None:
            await asyncio.to_thread(together.wait)
        step = await offer(core, batch, round(rate * share), seconds)
        step.rate = rate
        step.cases = await _cases(db, served) - before
        if model:
            step.unscored = outcomes["unscored"] / max(1, sum(outcomes.values()))
        steps.append(step)
        if together is None:
            print(_row(url, step, model), flush=True)
    stop.set()
    await flusher
    await heap
    if worker is not None:
        await worker
    await db.close()
    return steps


async def _cases(db: Database, platforms: tuple[str, ...]) -> int:
    """Cases so far on `platforms` (a process counts its own platform's)."""
    query = "SELECT count(*) FROM cases WHERE platform = :platform"
    async with db.read() as conn:
        return sum([int(await conn.scalar(sql(query), {"platform": p}) or 0) for p in platforms])


def _row(url: str, step: Step, model: bool, processes: int = 1) -> str:
    store = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    store += " x2" if processes == 2 else ""
    rate, p99, lag = TARGET
    met = step.rate < rate or (step.achieved >= rate * 0.98 and step.p99 < p99 and step.lag < lag)
    extra = f" {step.unscored:>9.0%}" if model else ""
    return (
        f"{store:<11} {step.rate:>8,} {step.achieved:>9,.0f} {step.p50:>8.1f} {step.p99:>9.1f} "
        f"{step.acted_p99:>9.1f} {step.lag:>8.1f} {step.rss:>+8.1f} {step.cases:>7,}{extra}  "
        f"{'' if step.rate < rate else ('meets target' if met else 'misses target')}"
    )


def run(url: str, rates: list[int], seconds: float, model: bool, processes: int) -> None:
    if processes == 1:
        asyncio.run(soak(url, rates, seconds, model))
        return
    spawn = multiprocessing.get_context("spawn")
    together = spawn.Barrier(len(PLATFORMS))
    results = spawn.Queue()
    children = [
        spawn.Process(target=_serve, args=(url, rates, seconds, model, p, together, results))
        for p in PLATFORMS
    ]
    for child in children:
        child.start()
    parts = [results.get() for _ in children]
    for child in children:
        child.join()
    for n, rate in enumerate(rates):
        steps = [part[n] for part in parts]
        step = step_of(
            rate,
            [t for s in steps for t in s.latencies],
            [t for s in steps for t in s.acted],
            max(s.elapsed for s in steps),
            max(s.lag for s in steps) / 1000,
            max(s.rss for s in steps),
        )
        step.cases = sum(s.cases for s in steps)
        step.unscored = sum(s.unscored for s in steps) / len(steps)
        print(_row(url, step, model, processes), flush=True)


def _serve(
    url: str,
    rates: list[int],
    seconds: float,
    model: bool,
    platform: str,
    together: Barrier,
    results: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    """One of two processes: serves `platform` alone, and hands its steps to the parent."""
    results.put(asyncio.run(soak(url, rates, seconds, model, (platform,), together)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="500,1000,2000,3000,4000")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--model", action="store_true", help="run the offline model too")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument(
        "--processes",
        type=int,
        choices=(1, 2),
        default=1,
        help="2: a Telegram process and a Discord process on one database, as the README "
        "splits the work over cores; each is offered its platform's half of every rate",
    )
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    extra = f" {'unscored':>9}" if args.model else ""
    print(
        f"{'store':<11} {'offered':>8} {'achieved':>9} {'p50 ms':>8} {'p99 ms':>9} "
        f"{'acted p99':>9} {'lag ms':>8} {'RSS MB':>8} {'cases':>7}{extra}"
    )
    folder = Path(tempfile.mkdtemp(prefix="modbot-soak-"))
    try:
        for store in args.stores.split(","):
            if store == "sqlite":
                url = f"sqlite+aiosqlite:///{folder}/audit.db"
                run(url, rates, args.seconds, args.model, args.processes)
            else:
                from tests.servers import start_postgres

                cluster = start_postgres()
                try:
                    url = cluster.fresh_database()
                    run(url, rates, args.seconds, args.model, args.processes)
                finally:
                    cluster.stop()
                    shutil.rmtree(cluster.root, ignore_errors=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
