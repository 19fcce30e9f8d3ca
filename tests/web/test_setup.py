"""Setting the dashboard up: the [web] section's errors, `modbot dashboard` accounts, and
`modbot run` printing the address and a one-time link that signs the local admin in."""

from __future__ import annotations

import asyncio
import http.client
import io
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.fake import FakeAdapter
from bot.__main__ import main
from bot.app import App
from bot.config import default_config_text, parse_config
from bot.config_errors import ConfigError
from storage.dashboard import DashboardStore
from storage.db import Database


def config_file(folder: Path, web: str = "", model: str = "builtin") -> Path:
    """The embedded default with its audit log in `folder`, the [web] lines replaced by
    `web` and the model backend `model`."""
    text = default_config_text().replace(
        'url = "sqlite+aiosqlite:///modbot.db"', f'url = "sqlite+aiosqlite:///{folder / "a.db"}"'
    )
    text = text.replace('backend = "builtin"', f'backend = "{model}"', 1)
    if web:
        text = re.sub(r"\[web\]\n(.*\n)*?\n", f"[web]\n{web}\n\n", text, count=1)
    path = folder / "config.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("web", "key", "fix"),
    [
        ('host = "0.0.0.0"\nsecure_cookie = true', "web.origin", "https://mod.example.org"),
        ('host = "0.0.0.0"\norigin = "https://m.example.org"', "web.secure_cookie", "HTTPS"),
        ('origin = "https://m.example.org/dash"', "web.origin", "no path"),
        ("port = 70000", "web.port", "<= 65535"),
        ('session_ttl = "1m"', "web.session_ttl", "between 5m and 30d"),
        ("enable = true", "web.enable", "not a known key"),
    ],
)
def test_a_bad_web_section_names_the_file_the_key_and_the_fix(
    tmp_path: Path, web: str, key: str, fix: str
) -> None:
    path = config_file(tmp_path, web)
    with pytest.raises(ConfigError) as caught:
        parse_config(path.read_text("utf-8"), str(path))
    message = str(caught.value)
    assert f"{path}: {key}:" in message and fix in message


def test_the_web_section_accepts_a_proxy_setup(tmp_path: Path) -> None:
    web = 'host = "0.0.0.0"\norigin = "https://mod.example.org/"\nsecure_cookie = true'
    config = parse_config(config_file(tmp_path, web).read_text("utf-8"), "x.toml")
    assert config.web.origin == "https://mod.example.org"


def _accounts(path: Path) -> list[tuple[str, str, str]]:
    async def read() -> list[tuple[str, str, str]]:
        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            return [(a.name, a.role, a.password_hash) for a in await DashboardStore(db).accounts()]
        finally:
            await db.close()

    return asyncio.run(read())


def test_add_user_hashes_with_argon2id_and_updates_roles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(config_file(tmp_path))

    def run(*args: str, stdin: str = "") -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return main(["dashboard", *args, "--config", config])

    password = "a long enough secret"
    assert run("add-user", "ana", "--role", "moderator", "--password-stdin", stdin=password) == 0
    assert "added ana (moderator)" in capsys.readouterr().out
    ((name, role, hashed),) = _accounts(tmp_path / "a.db")
    assert (name, role) == ("ana", "moderator")
    assert hashed.startswith("$argon2id$") and password not in hashed
    assert run("add-user", "ana", "--role", "admin", "--password-stdin", stdin=password) == 0
    assert _accounts(tmp_path / "a.db")[0][1] == "admin"
    assert run("add-user", "bo", "--password-stdin", stdin="short") == 2
    assert "at least 10 characters" in capsys.readouterr().err
    assert run("list-users") == 0
    assert capsys.readouterr().out == "ana\tadmin\n"
    assert run("login-link", "ana") == 0
    assert re.match(
        r"http://127\.0\.0\.1:8780/login/[\w-]{40,}  \(one use", capsys.readouterr().out
    )
    assert run("remove-user", "ana") == 0
    assert _accounts(tmp_path / "a.db") == []
    assert run("remove-user", "ana") == 1


def test_modbot_run_prints_the_dashboard_and_a_link_that_opens_the_playground(
    tmp_path: Path,
) -> None:
    config = config_file(tmp_path, "port = 0\nlogin_link = true", model="none")
    command = [sys.executable, "-m", "bot", "run", "--config", str(config)]
    proc = subprocess.Popen(
        command, cwd=tmp_path, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None and proc.stdin is not None
        lines = [proc.stderr.readline() for _ in range(3)]
        url = re.search(r"modbot: dashboard (http://127\.0\.0\.1:(\d+)/)", "".join(lines))
        link = re.search(r"one-time link, 15 minutes\): (http://\S+/login/(\S+))", "".join(lines))
        assert url is not None and link is not None, lines
        port = int(url.group(2))
        opened = _get(port, f"/login/{link.group(2)}")
        assert opened.status == 303 and opened.getheader("Location") == "/"
        cookie = opened.getheader("Set-Cookie", "").split(";")[0]
        playground = _get(port, "/", cookie)
        assert playground.status == 303 and playground.getheader("Location") == "/playground"
        page = _get(port, "/playground", cookie)
        assert page.status == 200 and b"Speak as" in page.read()
        assert _get(port, f"/login/{link.group(2)}").status == 403  # one use only
        proc.stdin.close()
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def _get(port: int, path: str, cookie: str = "") -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept": "text/html", "Sec-Fetch-Site": "none"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    return conn.getresponse()


async def test_a_port_in_use_leaves_the_bot_moderating_without_a_dashboard(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = parse_config(
            config_file(tmp_path, f"port = {port}", model="none").read_text(), "x"
        )
        fake = FakeAdapter()
        app = App(config, [fake])
        running = asyncio.create_task(app.run())
        await asyncio.wait_for(fake.ready.wait(), 30)
        decision = await fake.deliver(fake.message("you are a faggot", author="bob"))
        fake.close()
        await asyncio.wait_for(running, 30)
    assert decision is not None and decision.delete
    assert app.dashboard is None
    assert f"127.0.0.1:{port} is in use" in caplog.text
