"""Throwaway PostgreSQL and Redis servers on 127.0.0.1 for the suite, stopped at session end.

PostgreSQL: `initdb` into a temporary folder and `pg_ctl` on a free port (as the `postgres`
user, or `nobody`, when the suite runs as root: PostgreSQL refuses to run as root). One
database is migrated once and used as the template of a fresh database for every test that
asks. Redis: `redis-server` on a free port, nothing saved to disk. Both come from Debian's
packages (`tools/system-deps.sh`).
"""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from storage.db import Database

MISSING = "is not installed: run `sh tools/system-deps.sh` (the README's test command does)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} {MISSING}")
    return found[-1]


def _as_unprivileged() -> tuple[list[str], int | None]:
    """The command prefix (and uid) to run PostgreSQL's tools as a user that is not root."""
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        try:
            uid = pwd.getpwnam(user).pw_uid
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"], uid
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


@dataclass
class PostgresCluster:
    """A running cluster: `url(name)` addresses one of its databases."""

    root: Path
    port: int
    prefix: list[str]
    template: str = "modbot_template"
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://modbot@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = subprocess.run(
            [_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "modbot"]
            + ["-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def fresh_database(self) -> str:
        """A new database with the schema at head (copied from the migrated template)."""
        name = f"t{next(self._numbers)}"
        self.psql(f'CREATE DATABASE "{name}" TEMPLATE {self.template}')
        return self.url(name)

    def pg_ctl(self, *args: str) -> None:
        data = str(self.root / "data")
        subprocess.run(
            [*self.prefix, _pg_bin("pg_ctl"), "-D", data, "-l", str(self.root / "log"), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast", "-w")

    def start(self) -> None:
        self.pg_ctl("start", "-w", "-t", "60")


def start_postgres() -> PostgresCluster:
    prefix, uid = _as_unprivileged()
    root = Path(tempfile.mkdtemp(prefix="modbot-pg-"))
    if uid is not None:
        os.chown(root, uid, -1)
    data = root / "data"
    subprocess.run(
        [*prefix, _pg_bin("initdb"), "-D", str(data), "-U", "modbot", "--auth=trust"]
        + ["--no-sync", "-E", "UTF8", "--locale=C"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(port),
        "unix_socket_directories": f"'{root}'",
        "max_connections": "300",
        "shared_buffers": "64MB",
        "synchronous_commit": "on",
        "fsync": "on",
    }
    with (data / "postgresql.conf").open("a") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    cluster = PostgresCluster(root, port, prefix)
    cluster.start()
    cluster.psql(f"CREATE DATABASE {cluster.template}")
    asyncio.run(_migrate(cluster.url(cluster.template)))
    return cluster


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await db.migrate()
    finally:
        await db.close()


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def start_redis() -> RedisServer:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        raise RuntimeError(f"redis-server {MISSING}")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return RedisServer(port, process)
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("redis-server did not start")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = start_postgres()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = start_redis()
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait(10)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, empty audit log: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.fresh_database()
