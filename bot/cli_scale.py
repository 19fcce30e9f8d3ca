"""`modbot export|import|forget`: move a community's log to another database, and erase a
member's personal data."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from bot.config import Config
from bot.events import utcnow
from storage.db import Database
from storage.privacy import forget
from storage.transfer import TransferError, export_lines, import_lines


def add_scale_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    export = sub.add_parser(
        "export",
        parents=[common],
        help="write a community's whole log (every table, ids kept) as JSON lines",
    )
    export.add_argument("--community", required=True)
    export.add_argument("--out", help="file to write (default: standard output)")
    imp = sub.add_parser(
        "import",
        parents=[common],
        help="load an export into this config's database (run `modbot migrate` first)",
    )
    imp.add_argument("file")
    gone = sub.add_parser(
        "forget",
        parents=[common],
        help="erase a member's personal data (names, ids, excerpts); counts and cases stay",
    )
    gone.add_argument("member", help="PLATFORM:USER_ID, e.g. telegram:123456789")


async def _export(config: Config, args: argparse.Namespace) -> int:
    db = Database(config.storage.resolved_url())
    out = Path(args.out).open("w", encoding="utf-8") if args.out else sys.stdout  # noqa: ASYNC230
    lines = 0
    try:
        await db.migrate()
        async for line in export_lines(db, args.community):
            out.write(line + "\n")
            lines += 1
    finally:
        if out is not sys.stdout:
            out.close()
        await db.close()
    print(f"modbot: exported {lines - 1} row(s) of {args.community}", file=sys.stderr)
    return 0


async def _import(config: Config, args: argparse.Namespace) -> int:
    db = Database(config.storage.resolved_url())
    try:
        await db.migrate()
        text = await asyncio.to_thread(Path(args.file).read_text, "utf-8")
        counts = await import_lines(db, text.splitlines())
    except TransferError as exc:
        print(f"modbot: {args.file}: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    total = sum(counts.values())
    detail = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
    print(f"modbot: imported {total} row(s): {detail}", file=sys.stderr)
    return 0


async def _forget(config: Config, args: argparse.Namespace) -> int:
    platform, sep, user_id = args.member.partition(":")
    if not sep or not platform or not user_id:
        print("modbot: name the member as PLATFORM:USER_ID (e.g. discord:1234)", file=sys.stderr)
        return 2
    db = Database(config.storage.resolved_url())
    try:
        await db.migrate()
        done = await forget(db, platform, user_id, utcnow())
    finally:
        await db.close()
    changed = ", ".join(f"{n} {name}" for name, n in done.rows.items() if n) or "nothing"
    print(f"modbot: {args.member} is now {done.tombstone}: {changed}")
    if done.kept_pending:
        print(f"modbot: {done.kept_pending} action(s) still to apply keep the id until applied")
    return 0


def scale_commands(load: Callable[[argparse.Namespace], Config]) -> dict[str, Callable[..., int]]:
    """The command functions, for `modbot`'s table (`load` reads the config)."""

    def run(job: Callable[[Config, argparse.Namespace], object]) -> Callable[..., int]:
        def command(args: argparse.Namespace) -> int:
            return asyncio.run(job(load(args), args))  # type: ignore[arg-type]

        return command

    return {"export": run(_export), "import": run(_import), "forget": run(_forget)}
