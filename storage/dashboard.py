"""Dashboard accounts and tokens: sessions and one-time login links, stored as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from storage.db import Database
from storage.models_web import DashboardTokenRow, DashboardUserRow

ROLES = ("viewer", "moderator", "admin")
SESSION, LINK = "session", "link"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    name: str
    role: str
    password_hash: str

    def can(self, role: str) -> bool:
        """Whether this account's role is at least `role` (viewer < moderator < admin)."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser: `secret` goes in the cookie, `csrf` in every form."""

    id: int
    account: Account
    csrf: str
    expires_at: datetime


def _account(row: Any) -> Account:
    """From a result row of `select(DashboardUserRow)`."""
    return Account(row.id, row.name, row.role, row.password_hash)


class DashboardStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def put_account(self, name: str, password_hash: str, role: str, at: datetime) -> bool:
        """Create the account, or set its password hash and role; True when created."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        async with self.db.write() as conn:
            done = await conn.execute(
                update(DashboardUserRow)
                .where(DashboardUserRow.name == name)
                .values(password_hash=password_hash, role=role)
            )
            if done.rowcount:
                return False
            await conn.execute(
                insert(DashboardUserRow).values(
                    name=name, password_hash=password_hash, role=role, created_at=at
                )
            )
            return True

    async def account(self, name: str) -> Account | None:
        async with self.db.read() as conn:
            row = (
                await conn.execute(select(DashboardUserRow).where(DashboardUserRow.name == name))
            ).first()
        return _account(row) if row is not None else None

    async def accounts(self) -> list[Account]:
        async with self.db.read() as conn:
            rows = await conn.execute(select(DashboardUserRow).order_by(DashboardUserRow.name))
            return [_account(r) for r in rows]

    async def remove_account(self, name: str) -> bool:
        async with self.db.write() as conn:
            found = await conn.scalar(
                select(DashboardUserRow.id).where(DashboardUserRow.name == name)
            )
            if found is None:
                return False
            await conn.execute(delete(DashboardTokenRow).where(DashboardTokenRow.user_id == found))
            await conn.execute(delete(DashboardUserRow).where(DashboardUserRow.id == found))
            return True

    async def issue(self, account: Account, kind: str, at: datetime, ttl: timedelta) -> str:
        """A new secret of `kind` for `account`; only its digest is stored."""
        secret = secrets.token_urlsafe(32)
        async with self.db.write() as conn:
            await conn.execute(delete(DashboardTokenRow).where(DashboardTokenRow.expires_at < at))
            await conn.execute(
                insert(DashboardTokenRow).values(
                    digest=digest(secret),
                    kind=kind,
                    user_id=account.id,
                    csrf=secrets.token_urlsafe(32) if kind == SESSION else "",
                    created_at=at,
                    expires_at=at + ttl,
                )
            )
        return secret

    async def redeem_link(self, secret: str, at: datetime) -> Account | None:
        """Spend a one-time login link: exactly one caller gets the account, before expiry."""
        async with self.db.write() as conn:
            row = (
                await conn.execute(
                    select(DashboardTokenRow.id, DashboardTokenRow.user_id).where(
                        DashboardTokenRow.digest == digest(secret),
                        DashboardTokenRow.kind == LINK,
                        DashboardTokenRow.used_at.is_(None),
                        DashboardTokenRow.expires_at > at,
                    )
                )
            ).first()
            if row is None:
                return None
            done = await conn.execute(
                update(DashboardTokenRow)
                .where(DashboardTokenRow.id == row.id, DashboardTokenRow.used_at.is_(None))
                .values(used_at=at)
            )
            if done.rowcount != 1:
                return None
            user = (
                await conn.execute(
                    select(DashboardUserRow).where(DashboardUserRow.id == row.user_id)
                )
            ).first()
        return _account(user) if user is not None else None

    async def session(self, secret: str, at: datetime) -> Session | None:
        """The live session for a cookie's secret, or None (unknown, expired or logged out)."""
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(
                        DashboardTokenRow.id,
                        DashboardTokenRow.csrf,
                        DashboardTokenRow.expires_at,
                        DashboardUserRow.id.label("account_id"),
                        DashboardUserRow.name,
                        DashboardUserRow.role,
                        DashboardUserRow.password_hash,
                    )
                    .join(DashboardUserRow, DashboardUserRow.id == DashboardTokenRow.user_id)
                    .where(
                        DashboardTokenRow.digest == digest(secret),
                        DashboardTokenRow.kind == SESSION,
                        DashboardTokenRow.expires_at > at,
                    )
                )
            ).first()
        if row is None:
            return None
        account = Account(row.account_id, row.name, row.role, row.password_hash)
        return Session(row.id, account, row.csrf, row.expires_at)

    async def end(self, secret: str) -> None:
        async with self.db.write() as conn:
            await conn.execute(
                delete(DashboardTokenRow).where(DashboardTokenRow.digest == digest(secret))
            )
