"""The `modbot` command: run, check-config, audit, health, replay, migrate, model, dashboard,
discord, export, import, forget."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import DEFAULT_NAME, Config, load_config
from bot.config_errors import ConfigError
from bot.models.errors import ModelError

if TYPE_CHECKING:
    from adapters.run import Platform

EXIT_CONFIG = 2


def _config_path(args: argparse.Namespace) -> Path | None:
    given = getattr(args, "config", None) or os.environ.get("MODBOT_CONFIG")
    return Path(given) if given else None


def _load(args: argparse.Namespace) -> Config:
    return load_config(_config_path(args))


def _platforms(config: Config, source: str) -> list[Platform]:
    """An adapter for every platform whose token variable is set."""
    platforms: list[Platform] = []
    token = os.environ.get(config.telegram.token_env, "").strip()
    if token:
        from adapters.telegram import TelegramAdapter

        platforms.append(TelegramAdapter(config, token, source=source))
    token = os.environ.get(config.discord.token_env, "").strip()
    if token:
        from adapters.discord import DiscordAdapter

        platforms.append(DiscordAdapter(config, token, source=source))
    return platforms


def cmd_run(args: argparse.Namespace) -> int:
    from adapters.playground import Playground
    from bot.app import App

    config = _load(args)
    source = _config_path(args) or DEFAULT_NAME
    platforms = _platforms(config, str(source))
    if platforms:
        from adapters.run import run_platforms

        return run_platforms(config, platforms, str(source), _config_path(args))
    storage = config.storage
    where = f"${storage.url_env}" if storage.url_env else storage.url
    print(
        f"modbot: playground (no platform configured), config {source}, audit log {where}",
        file=sys.stderr,
    )
    playground = Playground(config.playground)
    app = App(
        config,
        [playground],
        clock=playground.clock,
        config_path=_config_path(args),
        announce=lambda text: print(text, file=sys.stderr),
    )
    try:
        asyncio.run(app.run())
    except KeyboardInterrupt:
        print("\nmodbot: stopped", file=sys.stderr)
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    from bot.config import CommunityConfig
    from bot.policy import build_policy

    path = Path(args.path) if args.path else _config_path(args)
    config = load_config(path)
    version = build_policy(config, CommunityConfig(id="default")).version
    for community in config.communities:
        build_policy(config, community)
    print(
        f"{path or DEFAULT_NAME}: OK ({len(config.guidelines)} guidelines, "
        f"{len(config.rules)} rules, {len(config.communities)} communities, policy {version})"
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import Database

    config = _load(args)

    async def migrate() -> None:
        db = Database(config.storage.resolved_url())
        try:
            await db.migrate()
        finally:
            await db.close()

    asyncio.run(migrate())
    print("modbot: the audit log schema is up to date")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from bot.cli_audit import run_audit

    return asyncio.run(run_audit(_load(args), args))


def cmd_health(args: argparse.Namespace) -> int:
    from bot.health import run_health

    return asyncio.run(run_health(_load(args), args))


def cmd_dashboard(args: argparse.Namespace) -> int:
    from bot.web.cli import run_dashboard

    return asyncio.run(run_dashboard(_load(args), args))


def cmd_discord(args: argparse.Namespace) -> int:
    from adapters.discord.setup import run_discord

    return run_discord(_load(args), args.verb, str(_config_path(args) or DEFAULT_NAME))


def cmd_model(args: argparse.Namespace) -> int:
    from bot.model_cli import run_model

    return run_model(_load(args), args)


def cmd_replay(args: argparse.Namespace) -> int:
    from bot.replay import run_replay

    return asyncio.run(
        run_replay(_load(args), Path(args.file), record=args.record, all_scores=args.scores)
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="modbot", description=__doc__)
    top.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = top.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--config", help="config file (default: $MODBOT_CONFIG, else built in)")
        return p

    command(
        "run",
        "start the bot: on Telegram when $TELEGRAM_TOKEN (see [telegram] token_env) is set, "
        "on Discord when $DISCORD_TOKEN ([discord] token_env) is, else the terminal playground",
    )
    check = command("check-config", "validate a config file and exit (2 on errors)")
    check.add_argument("path", nargs="?", help="config file to check")
    command("migrate", "bring the audit log's schema up to date")
    replay = command("replay", "run a JSONL or CSV file of messages through the pipeline")
    replay.add_argument("file")
    replay.add_argument("--scores", action="store_true", help="score every message with the model")
    replay.add_argument("--record", action="store_true", help="write cases to the audit log")
    audit = command("audit", "read the audit log")
    verbs = audit.add_subparsers(dest="verb", required=True)
    for name in ("list", "search"):
        v = verbs.add_parser(name, help=f"{name} cases, newest first")
        if name == "search":
            v.add_argument("text", help="text to find in excerpts and evidence")
        v.add_argument("--community")
        v.add_argument("--user", help="user id or name")
        v.add_argument("--rule")
        v.add_argument("--action", help="delete, warn, timeout, kick, ban or escalate")
        v.add_argument("--since", help="ISO date or time, or an age like 2h or 7d")
        v.add_argument("--limit", type=int, default=50)
        v.add_argument("--json", action="store_true", help="one JSON object a line")
    export = verbs.add_parser("export", help="export cases (a member's history) as JSONL or CSV")
    export.add_argument("--community")
    export.add_argument("--user", help="user id or name")
    export.add_argument("--rule")
    export.add_argument("--action")
    export.add_argument("--since")
    export.add_argument("--limit", type=int, default=1000)
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    show = verbs.add_parser("show", help="show one case in full")
    show.add_argument("number", type=int)
    show.add_argument("--community", help="needed when the log holds several communities")
    show.add_argument("--json", action="store_true")
    for verb in verbs.choices.values():
        # `modbot audit list --config x` and `modbot audit --config x list` both work.
        verb.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    from bot.model_cli import add_model_commands

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="config file (default: $MODBOT_CONFIG, else built in)")
    add_model_commands(sub, common)
    from bot.cli_scale import add_scale_commands

    add_scale_commands(sub, common)
    from bot.web.cli import add_dashboard_commands

    add_dashboard_commands(sub, common)
    discord_cli = sub.add_parser("discord", help="set the bot up on Discord")
    discord_verbs = discord_cli.add_subparsers(dest="verb", required=True)
    discord_verbs.add_parser(
        "sync",
        parents=[common],
        help="register the slash commands and the Report message menu (once, and again "
        "after an upgrade)",
    )
    discord_verbs.add_parser("invite", parents=[common], help="print the link that adds the bot")
    health = command("health", "community health: daily figures against the previous window")
    health.add_argument("--days", type=int, default=7, help="window length in days (default 7)")
    health.add_argument("--community", help="one community (default: all)")
    health.add_argument("--platform", help="one platform, e.g. discord (default: all)")
    return top


COMMANDS = {
    "run": cmd_run,
    "check-config": cmd_check_config,
    "migrate": cmd_migrate,
    "audit": cmd_audit,
    "health": cmd_health,
    "model": cmd_model,
    "discord": cmd_discord,
    "dashboard": cmd_dashboard,
    "replay": cmd_replay,
}


def _command(name: str):  # type: ignore[no-untyped-def]
    if name in ("export", "import", "forget"):
        from bot.cli_scale import scale_commands

        return scale_commands(_load)[name]
    return COMMANDS[name]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return _command(args.command)(args)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    except ModelError as exc:
        print(f"modbot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, like any Unix tool.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
