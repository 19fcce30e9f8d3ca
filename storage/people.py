"""People behind accounts: linked identities, one-time link codes, strikes and active timeouts."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Executable,
    Select,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.models import ActionRow
from storage.models_community import IdentityRow, LinkCodeRow, StrikeRow


def default_person(platform: str, user_id: str) -> str:
    """The person id of an account nobody linked: the account itself."""
    return f"{platform}:{user_id}"


@dataclass(frozen=True, slots=True)
class Account:
    platform: str
    user_id: str


class People:
    """Who is who across platforms, and what they have on record."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def person(self, community: str, platform: str, user_id: str) -> str:
        found = await self.db.query(person_of, community, platform, user_id)
        return found or default_person(platform, user_id)

    async def accounts(self, community: str, person: str) -> list[Account]:
        """Every account of a person (the unlinked default account included)."""
        return await self.db.query(accounts_of, community, person)  # type: ignore[no-any-return]

    async def new_link_code(
        self, code: str, community: str, platform: str, user_id: str, expires_at: datetime
    ) -> None:
        async with self.db.write() as conn:
            await conn.execute(
                delete(LinkCodeRow).where(
                    LinkCodeRow.community_id == community,
                    LinkCodeRow.platform == platform,
                    LinkCodeRow.user_id == user_id,
                )
            )
            await conn.execute(
                insert(LinkCodeRow).values(
                    code=code,
                    community_id=community,
                    platform=platform,
                    user_id=user_id,
                    expires_at=expires_at,
                )
            )

    async def redeem(
        self, code: str, community: str, platform: str, user_id: str, now: datetime
    ) -> bool:
        """Link the account entering `code` to the account that asked for it. One use only;
        the code must come from another platform and not have expired."""
        async with self.db.write() as conn:
            row = (
                await conn.execute(
                    select(LinkCodeRow).where(
                        LinkCodeRow.code == code, LinkCodeRow.community_id == community
                    )
                )
            ).first()
            if row is None or row.expires_at < now or row.platform == platform:
                return False
            await conn.execute(delete(LinkCodeRow).where(LinkCodeRow.code == code))
            person = await conn.scalar(
                select(IdentityRow.person_id).where(
                    IdentityRow.community_id == community,
                    IdentityRow.platform == row.platform,
                    IdentityRow.user_id == row.user_id,
                )
            ) or default_person(row.platform, row.user_id)
            both = ((row.platform, row.user_id), (platform, user_id))
            for account_platform, account_user in both:
                updated = await conn.execute(
                    update(IdentityRow)
                    .where(
                        IdentityRow.community_id == community,
                        IdentityRow.platform == account_platform,
                        IdentityRow.user_id == account_user,
                    )
                    .values(person_id=person, linked_at=now)
                )
                if updated.rowcount == 0:
                    await conn.execute(
                        insert(IdentityRow).values(
                            community_id=community,
                            platform=account_platform,
                            user_id=account_user,
                            person_id=person,
                            linked_at=now,
                        )
                    )
                # Strikes the account earned before it was linked now count for the person.
                await conn.execute(
                    update(StrikeRow)
                    .where(
                        StrikeRow.community_id == community,
                        StrikeRow.person_id == default_person(account_platform, account_user),
                    )
                    .values(person_id=person)
                )
        return True

    async def active_strikes(self, community: str, person: str, since: datetime) -> int:
        """Strikes of a person since `since`, pardoned ones excluded."""
        return await self.db.query(_strikes, community, person, since)  # type: ignore[no-any-return]

    async def pardon(self, case_id: int, by: str, now: datetime) -> bool:
        """Pardon the strike a case gave. False when it had none (or was pardoned already)."""
        async with self.db.write() as conn:
            done = await conn.execute(
                update(StrikeRow)
                .where(StrikeRow.case_id == case_id, StrikeRow.pardoned_at.is_(None))
                .values(pardoned_by=by, pardoned_at=now)
            )
        return bool(done.rowcount)


@dataclass(frozen=True, slots=True)
class Standing:
    timed_out_until: datetime | None
    strikes: tuple[int, ...]


_PERSON = select(IdentityRow.person_id).where(
    IdentityRow.community_id == bindparam("community"),
    IdentityRow.platform == bindparam("platform"),
    IdentityRow.user_id == bindparam("user"),
)


def person_of(conn: Connection, community: str, platform: str, user_id: str) -> str | None:
    return conn.scalar(_PERSON, {"community": community, "platform": platform, "user": user_id})


def accounts_of(conn: Connection, community: str, person: str) -> list[Account]:
    """`People.accounts` inside a transaction of the caller's."""
    rows = conn.execute(
        select(IdentityRow.platform, IdentityRow.user_id).where(
            IdentityRow.community_id == community, IdentityRow.person_id == person
        )
    )
    found = [Account(p, u) for p, u in rows]
    platform, _, user = person.partition(":")
    own = Account(platform, user)
    return found if own in found else [own, *found]


def person_held(conn: Connection, community: str, platform: str, user_id: str, hold: bool) -> str:
    """The person behind an account. With `hold`, inside a write transaction that counts
    the person's strikes and adds one: also wait until no other process's transaction does
    the same for this person, and hold that until COMMIT (PostgreSQL; SQLite's write
    transactions already run one at a time). One statement either way."""
    default = default_person(platform, user_id)
    if not (hold and conn.dialect.name == "postgresql"):
        return person_of(conn, community, platform, user_id) or default
    params = {"community": community, "platform": platform, "user": user_id, "default": default}
    return str(conn.execute(_PERSON_HELD, params).scalar_one())


def _person_held() -> Executable:
    """The person, and the lock on their strikes: a key the server hashes from the
    community and the person it has just found."""
    found = func.coalesce(_PERSON.scalar_subquery(), bindparam("default")).label("person")
    person = select(found).subquery()
    key = literal("strikes:") + bindparam("community") + literal(":") + person.c.person
    return select(person.c.person, func.pg_advisory_xact_lock(func.hashtextextended(key, 0)))


_PERSON_HELD = _person_held()


def standing_of(
    conn: Connection,
    community: str,
    person: str,
    member: tuple[str, str, str],
    now: datetime,
    windows: Sequence[datetime],
) -> Standing:
    """The member's timeout in force and the person's strikes within each window, read in
    one statement (a sanction reads it inside its write transaction)."""
    platform, chat_id, user_id = member
    params: dict[str, object] = {"platform": platform, "chat": chat_id, "user": user_id}
    params.update({"now": now, "community": community, "person": person})
    params.update({f"w{n}": since for n, since in enumerate(windows)})
    params["since"] = min(windows) if windows else now
    until, lifted, *counts = conn.execute(_standing(len(windows)), params).one()
    return Standing(None if lifted else until, tuple(int(n or 0) for n in counts))


@functools.cache
def _standing(windows: int) -> Executable:
    """The timeout in force (its end, and whether it was lifted since) beside every window's
    strike count, one pass over the person's strikes since the widest window (built once
    per number of windows: the hot path only binds values)."""
    timeout = (*_MEMBER, ActionRow.kind == "timeout", ActionRow.until > bindparam("now"))
    latest = select(ActionRow.id).where(*timeout).order_by(ActionRow.id.desc()).limit(1)
    until = select(ActionRow.until).where(*timeout).order_by(ActionRow.id.desc()).limit(1)
    lifted = select(func.count(ActionRow.id)).where(
        *_MEMBER, ActionRow.kind == "untimeout", ActionRow.id > latest.scalar_subquery()
    )
    columns = (until.scalar_subquery(), lifted.scalar_subquery())
    if not windows:
        return select(*columns)
    return select(*columns, *_strike_counts(windows).selected_columns).where(*_STRIKES)


@functools.cache
def _strike_counts(windows: int) -> Select[*tuple[Any, ...]]:
    """Every window's count in one pass over the person's strikes since the widest one."""
    return select(
        *(
            func.count(StrikeRow.id).filter(StrikeRow.created_at >= bindparam(f"w{n}"))
            for n in range(windows)
        )
    ).where(*_STRIKES)


def _strikes(conn: Connection, community: str, person: str, since: datetime) -> int:
    counts = conn.execute(
        _strike_counts(1), {"community": community, "person": person, "since": since, "w0": since}
    ).one()
    return int(counts[0] or 0)


_STRIKES = (
    StrikeRow.community_id == bindparam("community"),
    StrikeRow.person_id == bindparam("person"),
    StrikeRow.created_at >= bindparam("since"),
    StrikeRow.pardoned_at.is_(None),
)
_MEMBER = (
    ActionRow.platform == bindparam("platform"),
    ActionRow.chat_id == bindparam("chat"),
    ActionRow.user_id == bindparam("user"),
    or_(ActionRow.status == "applied", ActionRow.status == "pending"),
)
