"""`modbot replay`: the contract later benchmarks rely on, and bad rows that lose nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.config import load_config, parse_config
from bot.config_errors import ConfigError
from bot.replay import run_replay
from tests.conftest import config_on, read_cases

KEYS = {"id", "decision", "delete", "sanction", "escalate", "rules"}


async def replay(path: Path, config=None, **flags: bool) -> tuple[list[dict], str]:  # type: ignore[no-untyped-def]
    out, err = io.StringIO(), io.StringIO()
    code = await run_replay(config or load_config(), path, out=out, err=err, **flags)
    assert code == 0
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


async def test_jsonl_rows_come_back_in_input_order_with_the_contract_keys(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "hello there"},
        {"id": "b", "text": "you are a faggot"},
        {"id": "c", "text": "join discord.gg/abc"},
        {"text": "no id here"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    results, err = await replay(path)
    assert [r["id"] for r in results] == ["a", "b", "c", 4]
    # The default policy has a toxicity rule, so the offline model scores every row.
    assert all(set(r) == KEYS | {"scores"} for r in results)
    assert all(0 <= r["scores"]["toxicity"] <= 1 for r in results)
    assert [r["decision"] for r in results] == ["allow", "timeout", "warn", "allow"]
    assert results[1] | {"rules": None, "scores": None} == {
        "id": "b",
        "decision": "timeout",
        "delete": True,
        "sanction": "timeout",
        "escalate": False,
        "rules": None,
        "scores": None,
    }
    assert results[1]["rules"] == ["slurs", "toxic"]
    assert "timeout" in err and "4/4" in err


async def test_flood_sees_rows_in_time_order_when_sent_at_is_given(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    times = [5, 1, 2, 3, 4]  # the file is out of order; the flood is in sent_at order
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": i,
                    "text": f"message {i}",
                    "author": "dave",
                    "sent_at": f"2026-11-01T12:00:0{t}Z",
                }
            )
            for i, t in enumerate(times)
        )
    )
    results, _ = await replay(path)
    assert [r["decision"] for r in results] == ["timeout", "allow", "allow", "allow", "allow"]


async def test_unreadable_rows_get_an_error_and_the_run_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": 1, "text": "fine"}\n'
        b'{"id": 2, "text": "bad \xff\xfe utf-8"}\n'
        b"{not json}\n"
        b'{"id": 4}\n'
        b'{"id": 5, "text": "lone \\ud800 surrogate and \\u0000 nul"}\n'
        b'{"id": 6, "text": "' + b"a" * 1_000_000 + b'"}\n'
        b'{"id": 7, "text": "z\\u0336\\u0336\\u0336\\u0336\\u0336 zalgo"}\n'
    )
    results, _ = await replay(path)
    assert [r["id"] for r in results] == [1, 2, 3, 4, 5, 6, 7]
    assert [("error" in r) for r in results] == [False, True, True, True, False, False, False]
    assert "invalid UTF-8" in results[1]["error"] and "invalid JSON" in results[2]["error"]
    assert results[3]["error"].startswith("`text`")
    assert results[6]["decision"] == "warn" and results[6]["rules"] == ["zalgo"]


async def test_csv_with_a_text_column(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(
        'id,text\nx1,hello\nx2,"anjing lu, multi\nline"\nx3,bad \xff\n'.encode("latin-1").replace(
            b"\xff", b"\xff"
        )
    )
    results, _ = await replay(path)
    assert [r["id"] for r in results] == ["x1", "x2", "x3"]
    assert "profanity" in results[1]["rules"] and "error" in results[2]


async def test_a_csv_without_a_text_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,body\n1,hi\n")
    with pytest.raises(ConfigError, match="`text` column"):
        await replay(path)


MODEL = """
[model]
backend = "double"
[[guidelines]]
id = "g"
title = { en = "G", id = "G" }
text = { en = "g", id = "g" }
[[rules]]
name = "pineapple"
type = "words"
guideline = "g"
params = { words = ["pineapple"] }
"""


async def test_scores_are_printed_for_every_row_with_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "toxicmarker"}\n{"text": "pineapple"}\n')
    results, _ = await replay(path, parse_config(MODEL, "m.toml"), all_scores=True)
    assert results[0]["scores"]["toxicity"] > 0.9 > results[1]["scores"]["toxicity"]
    plain, _ = await replay(path, parse_config(MODEL, "m.toml"))
    assert all("scores" not in r for r in plain)


async def test_scores_without_a_model_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "hi"}\n')
    without = parse_config(MODEL.replace('backend = "double"', 'backend = "none"'), "m.toml")
    with pytest.raises(ConfigError, match="needs a model"):
        await replay(path, without, all_scores=True)


async def test_replay_writes_nothing_unless_asked_and_never_acts(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "r1", "text": "you are a faggot"}\n')
    config = config_on(tmp_path / "audit.db")
    await replay(path, config)
    assert not (tmp_path / "audit.db").exists()
    await replay(path, config, record=True)
    (case,) = await read_cases(config)
    assert case.dry_run and case.rules == ("slurs", "toxic")
