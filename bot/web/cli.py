"""`modbot dashboard add-user|remove-user|list-users|login-link`: dashboard accounts, managed
on the bot's machine. Passwords are hashed with argon2id and never printed or stored."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import timedelta
from typing import Any

from bot.config import Config
from bot.config_errors import ConfigError
from bot.events import utcnow
from bot.web.auth import hash_password
from storage.dashboard import LINK, ROLES, DashboardStore
from storage.db import Database

MIN_PASSWORD = 10
LINK_MINUTES = 15


def add_dashboard_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser("dashboard", help="manage dashboard accounts", parents=[common])
    verbs = top.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add-user", help="add an account, or change its password and role")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="viewer")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    remove = verbs.add_parser("remove-user", help="remove an account and end its sessions")
    remove.add_argument("name")
    verbs.add_parser("list-users", help="list accounts and their roles")
    link = verbs.add_parser("login-link", help="print a one-time login link for an account")
    link.add_argument("name")
    for verb in verbs.choices.values():
        verb.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise ConfigError("add-user", [("", "the two passwords differ; try again")])
    if len(password) < MIN_PASSWORD:
        raise ConfigError(
            "add-user", [("", f"the password must have at least {MIN_PASSWORD} characters")]
        )
    return password


def _check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 64 or not cleaned.isprintable():
        raise ConfigError("add-user", [("", "give a printable name of 1 to 64 characters")])
    return cleaned


async def run_dashboard(config: Config, args: argparse.Namespace) -> int:
    password = _password(args) if args.verb == "add-user" else ""
    db = Database(config.storage.resolved_url())
    try:
        await db.migrate()
        store = DashboardStore(db)
        if args.verb == "add-user":
            name = _check_name(args.name)
            hashed = await asyncio.to_thread(hash_password, password)
            created = await store.put_account(name, hashed, args.role, utcnow())
            print(f"modbot: {'added' if created else 'updated'} {name} ({args.role})")
        elif args.verb == "remove-user":
            if not await store.remove_account(args.name):
                print(f"modbot: no account {args.name!r}", file=sys.stderr)
                return 1
            print(f"modbot: removed {args.name}")
        elif args.verb == "list-users":
            for account in await store.accounts():
                print(f"{account.name}\t{account.role}")
        else:
            found = await store.account(args.name)
            if found is None:
                print(f"modbot: no account {args.name!r}; add it first", file=sys.stderr)
                return 1
            secret = await store.issue(found, LINK, utcnow(), timedelta(minutes=LINK_MINUTES))
            web = config.web
            base = web.origin or f"http://{web.host}:{web.port}"
            print(f"{base}/login/{secret}  (one use, {LINK_MINUTES} minutes)")
        return 0
    finally:
        await db.close()
