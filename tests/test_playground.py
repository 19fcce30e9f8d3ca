"""`modbot run` on embedded defaults: a scripted conversation in the terminal playground."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """\
# a scripted conversation: comments and blank lines are skipped
alice: hi everyone, how was the weekend?
bob: you are a faggot
carol: ur such a n 1 g g 3 r lol
dave: one
dave: two
dave: three
dave: four
dave: five
dave: six
erin: join my server discord.gg/freestuff
frank: @ann @ben @cat @dan @eve @fay look at this
mod: fuck, the build broke again
gina: shut up you worthless piece of garbage
hana: selamat pagi semua, ada yang tau jadwal rilis?
"""

EXPECTED = {
    "alice: hi everyone, how was the weekend?": "= allow",
    "bob: you are a faggot": "= timeout  [slurs, toxic]",
    "carol: ur such a n 1 g g 3 r lol": "= timeout  [slurs, toxic]",
    "dave: four": "= allow",
    "dave: five": "= timeout  [flood]",
    "erin: join my server discord.gg/freestuff": "= warn  [invites]",
    "frank: @ann @ben @cat @dan @eve @fay look at this": "= timeout  [mass-mentions]",
    "mod: fuck, the build broke again": "= allow (exempt)",
    # No word list has these words: only the offline model catches the first.
    "gina: shut up you worthless piece of garbage": "= warn  [toxic]",
    "hana: selamat pagi semua, ada yang tau jadwal rilis?": "= allow",
}


def modbot(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("modbot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    env = {k: v for k, v in os.environ.items() if k != "MODBOT_CONFIG"}
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def transcript(stdout: str) -> dict[str, list[str]]:
    """Each delivered line (`> name: text`) with the lines the playground printed under it."""
    out: dict[str, list[str]] = {}
    current = None
    for line in stdout.splitlines():
        if line.startswith("> "):
            current = line[2:]
            out[current] = []
        elif current is not None:
            out[current].append(line.strip())
    return out


def verdict(lines: list[str]) -> str:
    """The decision line without its message number: `= timeout  [slurs]`."""
    return lines[0].rsplit("  (#", 1)[0]


def test_the_playground_enforces_the_default_guidelines(tmp_path: Path) -> None:
    run = modbot("run", cwd=tmp_path, stdin=SCRIPT)
    assert run.returncode == 0, run.stderr
    said = transcript(run.stdout)
    for line, decision in EXPECTED.items():
        assert verdict(said[line]) == decision, (line, said[line])
    assert any(
        s.startswith("- modbot to @bob:") and "Respect everyone" in s
        for s in said["bob: you are a faggot"]
    )
    assert said["dave: six"] == [
        "! dave is timed out until " + said["dave: six"][0].split("until ")[1]
    ]

    listed = modbot("audit", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    cases = [json.loads(line) for line in listed.stdout.splitlines()]
    actioned = [
        line
        for line, lines in said.items()
        if lines and lines[0].startswith("= ") and not lines[0].startswith("= allow")
    ]
    assert len(cases) == len(actioned) == 6
    assert sorted(c["user_id"] for c in cases) == ["bob", "carol", "dave", "erin", "frank", "gina"]
    assert (tmp_path / "modbot.db").exists()


def test_audit_show_and_search_read_the_cases_back(tmp_path: Path) -> None:
    modbot("run", cwd=tmp_path, stdin="bob: you are a faggot\nerin: discord.gg/x\n")
    shown = modbot("audit", "show", "1", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "member:    bob" in shown.stdout and "slurs -> respect" in shown.stdout
    assert "action:    delete: applied" in shown.stdout
    found = modbot("audit", "search", "discord.gg", cwd=tmp_path)
    assert "erin" in found.stdout and "bob" not in found.stdout
    by_rule = modbot("audit", "list", "--rule", "slurs", "--since", "1h", cwd=tmp_path)
    assert "bob" in by_rule.stdout and "erin" not in by_rule.stdout


def test_a_second_run_keeps_numbering_and_never_replays_old_messages(tmp_path: Path) -> None:
    modbot("run", cwd=tmp_path, stdin="bob: you are a faggot\n")
    modbot("run", cwd=tmp_path, stdin="bob: you are a faggot\n")
    listed = modbot("audit", "list", "--json", cwd=tmp_path)
    assert sorted(json.loads(line)["number"] for line in listed.stdout.splitlines()) == [1, 2]
