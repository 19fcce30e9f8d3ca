"""The community manager's work, scripted through the real `modbot run` playground."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_playground import modbot

CONFIG = """
[model]
backend = "double"
[escalation]
deadline = "1h"
on_call = ["playground:owner"]
[reports]
hide_after = 5
[welcome]
gate = "question"
gate_time = "10m"
question = { en = "What is 2 + 3?", id = "Berapa 2 + 3?" }
choices = ["4", "5", "6"]
answer = "5"
[[faq.entries]]
name = "jadwal"
phrases = ["jam berapa acara mulai", "what time does the event start"]
answer = { en = "The event starts at 19:00 WIB.", id = "Acara mulai jam 19.00 WIB." }
[[guidelines]]
id = "respect"
title = { en = "Respect everyone", id = "Hormati semua orang" }
text = { en = "Be kind.", id = "Bersikap baik." }
[[rules]]
name = "toxic"
type = "toxicity"
guideline = "respect"
params = { act_at = 0.9, escalate_at = 0.7 }
on_match = { delete = true, sanction = "warn" }
[[rules]]
name = "slurs"
type = "words"
guideline = "respect"
params = { lexicons = ["en-slurs"] }
on_match = { delete = true, sanction = "warn" }
"""

SCRIPT = """\
alice: hmm greymarker you
mod: /vote 1 timeout:1h
admin: /vote 1 ban
bob: you faggot
bob: you faggot again
bob: faggot x3
mod: /ban @admin being bossy
+carol
carol: hello?
~ 11m
sari: jam berapa acaranya mulai?
mod: jam berapa acaranya mulai?
spam: buy followers now
ann: /report #7 spam
ben: /report #7 spam
cat: /report #7 spam
dan: /report #7 spam
eve: /report #7 spam
dave: greymarker again
~ 2h
"""


def blocks(stdout: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = ""
    for line in stdout.splitlines():
        if line.startswith("> "):
            current = line[2:]
            out[current] = []
        elif current:
            out[current].append(line.strip())
    return out


def test_a_day_in_the_life_of_a_community(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG)
    run = modbot("run", "--config", "config.toml", cwd=tmp_path, stdin=SCRIPT)
    assert run.returncode == 0, run.stderr
    said = blocks(run.stdout)

    grey = said["alice: hmm greymarker you"]
    assert grey[0].startswith("= escalate  [toxic]")
    assert any(line.startswith("[#mods] modbot: Escalation #1") for line in grey)
    assert (
        said["mod: /vote 1 timeout:1h"][-1]
        == "modbot (only mod sees this): Done: escalation #1, Timeout 1 hour."
    )
    assert "alice timed out" in " ".join(said["mod: /vote 1 timeout:1h"])
    assert said["admin: /vote 1 ban"] == [
        "modbot (only admin sees this): Escalation #1 was already handled by mod: Timeout 1 hour."
    ]

    third = " ".join(said["bob: faggot x3"])
    assert "3 strikes within 30 days" in third and "bob timed out" in third
    assert said["mod: /ban @admin being bossy"] == [
        "modbot (only mod sees this): You can't act on admin: they rank at or above you."
    ]

    assert "What is 2 + 3?" in " ".join(said["+carol"])
    assert said["carol: hello?"] == [
        "! carol has not passed the welcome gate yet; the message was not delivered"
    ]
    assert "- carol kicked" in said["~ 11m"]

    assert "modbot: Acara mulai jam 19.00 WIB." in " ".join(
        said["sari: jam berapa acaranya mulai?"]
    )
    assert not any("Acara" in line for line in said["mod: jam berapa acaranya mulai?"])

    assert (
        said["ann: /report #7 spam"][-1]
        == "modbot (only ann sees this): Thank you, the moderators will look at it."
    )
    assert "- message from spam deleted" in said["eve: /report #7 spam"]
    assert "- message from spam deleted" not in said["dan: /report #7 spam"]

    expired = " ".join(said["~ 2h"])
    assert (
        "nobody decided in time" in expired and "@owner" in expired and "dave timed out" in expired
    )

    exported = modbot("audit", "export", "--user", "bob", "--config", "config.toml", cwd=tmp_path)
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [r["decision"] for r in rows] == ["warn", "warn", "timeout"]
    assert all(r["rules"] == "slurs" for r in rows)
