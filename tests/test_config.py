"""A broken config is refused with the file, the dotted key and the fix; never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config, parse_config
from bot.config_errors import ConfigError

GUIDELINE = """
[[guidelines]]
id = "respect"
title = { en = "Respect", id = "Hormat" }
text = { en = "Be kind.", id = "Bersikap baik." }
"""


def rule(body: str) -> str:
    return GUIDELINE + "\n[[rules]]\n" + body


BROKEN = [
    # (config text, dotted key expected in the message, words of the fix)
    ("[bot\nlanguage = 'en'", "", "not valid TOML"),
    ("[bot]\nlanguage = 'fr'", "bot.language", "must be one of"),
    ("[bot]\nexcerpt_chars = -1", "bot.excerpt_chars", "must be >= 0 (got -1)"),
    ("[bot]\ndry_run = 'yes please'", "bot.dry_run", "true or false"),
    ("[bot]\nlanguag = 'en'", "bot.languag", "not a known key"),
    ("[storage]\nurl_env = 'MODBOT_SURELY_UNSET_VAR'", "storage.url_env", "is not set"),
    ("[model]\nbatch_size = 0", "model.batch_size", "must be >= 1 (got 0)"),
    (
        rule("name='x'\ntype='words'\nguideline='respect'\nparams={words=['a']}\nbogus=1"),
        "rules[0].bogus",
        "not a known key",
    ),
    (rule("name='x'\ntype='wordz'\nguideline='respect'"), "rules[0].type", "unknown rule type"),
    (
        rule("name='x'\ntype='words'\nguideline='kindness'\nparams={words=['a']}"),
        "rules[0].guideline",
        "add it to [[guidelines]]",
    ),
    (rule("name='x'\ntype='words'\nguideline='respect'"), "rules[0].params", "give `words`"),
    (
        rule("name='x'\ntype='mentions'\nguideline='respect'\nparams={max_unique=0}"),
        "rules[0].params.max_unique",
        "must be >= 1 (got 0)",
    ),
    (
        rule("name='x'\ntype='caps'\nguideline='respect'\nparams={max_ratio=3}"),
        "rules[0].params.max_ratio",
        "must be <= 1 (got 3)",
    ),
    (
        rule("name='x'\ntype='regex'\nguideline='respect'\nparams={patterns=['(a+)+$']}"),
        "rules[0].params.patterns[0]",
        "nested quantifier",
    ),
    (
        rule("name='x'\ntype='regex'\nguideline='respect'\nparams={patterns=['(a)\\1']}"),
        "rules[0].params.patterns[0]",
        "backreference",
    ),
    (
        rule("name='x'\ntype='regex'\nguideline='respect'\nparams={patterns=['a(?=b)']}"),
        "rules[0].params.patterns[0]",
        "lookahead",
    ),
    (
        rule("name='x'\ntype='regex'\nguideline='respect'\nparams={patterns=['(?<!a)b']}"),
        "rules[0].params.patterns[0]",
        "lookbehind",
    ),
    (
        rule(f"name='x'\ntype='regex'\nguideline='respect'\nparams={{patterns=['{'a' * 261}']}}"),
        "rules[0].params.patterns[0]",
        "limit is 260",
    ),
    (
        rule(
            "name='x'\ntype='regex'\nguideline='respect'\nparams={patterns=" + str(["a"] * 11) + "}"
        ),
        "rules[0].params.patterns",
        "at most 10",
    ),
    (
        rule("name='x'\ntype='flood'\nguideline='respect'\nparams={within='soon'}"),
        "rules[0].params.within",
        "duration like",
    ),
    (
        rule("name='x'\ntype='words'\nguideline='respect'\nparams={lexicons=['klingon']}"),
        "rules[0].params",
        "unknown lexicon",
    ),
    (
        rule(
            "name='x'\ntype='words'\nguideline='respect'\nparams={words=['a']}\n"
            "on_match={sanction='timeout'}"
        ),
        "rules[0].on_match.duration",
        "needs a duration",
    ),
    (
        rule(
            "name='x'\ntype='words'\nguideline='respect'\nparams={words=['a']}\n"
            "on_match={sanction='timeout', duration='60d'}"
        ),
        "rules[0].on_match.duration",
        "between 30s and 28d",
    ),
    (
        rule("name='X Y'\ntype='words'\nguideline='respect'\nparams={words=['a']}"),
        "rules[0].name",
        "short id",
    ),
    (
        "[[guidelines]]\nid = 'a'\ntitle = { en = 'A' }\ntext = { en = 'x', id = 'y' }",
        "guidelines[0].title.id",
        "is required",
    ),
]


@pytest.mark.parametrize(("text", "key", "fix"), BROKEN, ids=[b[1] or "toml" for b in BROKEN])
def test_a_broken_config_names_the_file_the_key_and_the_fix(text: str, key: str, fix: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "config.toml")
    message = str(caught.value)
    prefix = f"config.toml: {key}: " if key else "config.toml: "
    assert any(line.startswith(prefix) and fix in line for line in message.splitlines()), message


def test_the_embedded_default_loads_and_names_a_guideline_for_every_rule() -> None:
    config = load_config()
    guidelines = {g.id for g in config.guidelines}
    assert config.rules and all(r.guideline in guidelines for r in config.rules)
    assert all(g.title.en and g.title.id for g in config.guidelines)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_the_cli_prints_the_error_and_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(rule("name='x'\ntype='caps'\nguideline='respect'\nparams={max_ratio=3}"))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check-config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"{path}: rules[0].params.max_ratio: must be <= 1 (got 3)" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_config_accepts_the_example() -> None:
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check-config", str(root / "config.example.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout
