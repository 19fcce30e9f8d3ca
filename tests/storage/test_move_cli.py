"""From the command line: `modbot migrate` readies PostgreSQL, `modbot export` and `modbot
import` move a community there from SQLite, `modbot forget` erases a member."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.__main__ import main
from storage.db import Database
from storage.transfer import export_lines
from tests.servers import PostgresCluster
from tests.storage.seed import seeded


def config_file(folder: Path, url: str) -> str:
    path = folder / f"{'pg' if url.startswith('postgresql') else 'lite'}.toml"
    path.write_text(f'[storage]\nurl = "{url}"\n[web]\nenabled = false\n')
    return str(path)


async def lines_of(url: str) -> list[str]:
    db = Database(url)
    try:
        return [line async for line in export_lines(db, "kopi")]
    finally:
        await db.close()


def test_a_community_moves_to_postgresql_by_the_command_line(
    tmp_path: Path, postgres: PostgresCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"

    async def seed() -> None:
        await (await seeded(sqlite_url)).close()

    asyncio.run(seed())
    old, new = config_file(tmp_path, sqlite_url), config_file(tmp_path, postgres.fresh_database())
    dump = tmp_path / "kopi.jsonl"
    assert main(["migrate", "--config", new]) == 0
    assert main(["export", "--config", old, "--community", "kopi", "--out", str(dump)]) == 0
    assert main(["import", "--config", new, str(dump)]) == 0
    assert main(["import", "--config", new, str(dump)]) == 1  # never twice
    assert "already has" in capsys.readouterr().err
    pg_url = Path(new).read_text().split('"')[1]
    assert asyncio.run(lines_of(pg_url)) == dump.read_text().splitlines()

    assert main(["forget", "--config", new, "fake:bob"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("modbot: fake:bob is now forgotten:") and "4 cases" in said
    assert '"bob"' not in "\n".join(asyncio.run(lines_of(pg_url)))
    assert main(["forget", "--config", new, "bob"]) == 2
