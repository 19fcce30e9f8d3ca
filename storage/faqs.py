"""FAQ entries in the database: seeded from config, then managed by moderators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.audit import clean_text
from storage.db import Database
from storage.models_community import FaqRow


@dataclass(frozen=True, slots=True)
class FaqEntryView:
    name: str
    keywords: tuple[str, ...]
    phrases: tuple[str, ...]
    patterns: tuple[str, ...]
    answer_en: str
    answer_id: str


class FaqStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def entries(self, community: str) -> list[FaqEntryView]:
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(FaqRow)
                .where(FaqRow.community_id == community, FaqRow.active.is_(True))
                .order_by(FaqRow.name)
            )
            return [
                FaqEntryView(
                    r.name,
                    tuple(r.triggers.get("keywords", ())),
                    tuple(r.triggers.get("phrases", ())),
                    tuple(r.triggers.get("patterns", ())),
                    r.answer_en,
                    r.answer_id,
                )
                for r in rows
            ]

    async def save(
        self,
        community: str,
        entry: FaqEntryView,
        by: str,
        at: datetime,
        *,
        replace: bool = True,
    ) -> bool:
        """Add or (when `replace`) update an entry by name. False when it existed and
        `replace` is off (seeding never overwrites what moderators changed)."""
        triggers = {
            "keywords": list(entry.keywords),
            "phrases": list(entry.phrases),
            "patterns": list(entry.patterns),
        }
        values = {
            "triggers": triggers,
            "answer_en": clean_text(entry.answer_en, 2000),
            "answer_id": clean_text(entry.answer_id, 2000),
            "active": True,
        }
        named = (FaqRow.community_id == community, FaqRow.name == entry.name)
        try:
            async with self.db.write() as conn:
                exists = await conn.scalar(select(FaqRow.id).where(*named))
                if exists is None:
                    await conn.execute(
                        insert(FaqRow).values(
                            community_id=community,
                            name=entry.name,
                            created_by=by,
                            created_at=at,
                            **values,
                        )
                    )
                    return True
                if not replace:
                    return False
                await conn.execute(update(FaqRow).where(FaqRow.id == exists).values(**values))
                return True
        except IntegrityError:
            # Another process added the entry between our read and our insert (PostgreSQL
            # does not serialise the two as SQLite's single writer does): it exists now.
            if not replace:
                return False
            async with self.db.write() as conn:
                await conn.execute(update(FaqRow).where(*named).values(**values))
            return True

    async def remove(self, community: str, name: str) -> bool:
        async with self.db.write() as conn:
            done = await conn.execute(
                update(FaqRow)
                .where(
                    FaqRow.community_id == community, FaqRow.name == name, FaqRow.active.is_(True)
                )
                .values(active=False)
            )
        return bool(done.rowcount)
