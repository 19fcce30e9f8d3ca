"""Inputs of the benchmark: the policy with every rule type, a seeded chat mix, the dev tweets.

Abusive words are taken from modbot's shipped lexicons at run time (none are written here), and
the dev tweets are read from the shared data folder, never copied into the project.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.fake import FakeAdapter
from bot.config import Config, RuleConfig, load_config
from bot.events import Attachment, Message
from bot.window import RecentWindow
from rules import RULE_TYPES
from rules.base import Recent, fingerprint
from rules.normalize import normalize
from rules.words import load_lexicon

SEED = 20251122
BASE_TIME = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
STEP = timedelta(milliseconds=250)  # a busy community: 4 messages a second, 300 authors
AUTHORS = 300
# Rule types the default config may lack, with the rule the benchmark adds for them.
EXTRA_RULES: dict[str, dict[str, Any]] = {
    "toxicity": {"label": "toxicity", "act_at": 0.9, "escalate_at": 0.7},
    "regex": {"patterns": ["free\\s*nitro"], "view": "leet"},
    "length": {"max_chars": 3000, "max_lines": 40},
}


@dataclass(frozen=True, slots=True)
class Item:
    """One benchmark message: what the rules see besides the text, precomputed."""

    msg: Message
    kind: str
    scores: dict[str, float]
    recent: tuple[Recent, ...] = ()


def bench_config() -> Config:
    """The embedded default config plus a rule of every type it lacks (toxicity at least)."""
    config = load_config()
    present = {rule.type for rule in config.rules}
    guideline = config.guidelines[0].id
    added = [
        RuleConfig(name=f"bench-{kind}", type=kind, guideline=guideline, params=params)
        for kind, params in EXTRA_RULES.items()
        if kind not in present
    ]
    config = config.model_copy(update={"rules": [*config.rules, *added]})
    missing = set(RULE_TYPES) - {rule.type for rule in config.rules}
    if missing:
        raise SystemExit(f"bench: no rule of type {', '.join(sorted(missing))} in the config")
    return config


NAMES = ["budi", "sari", "alex", "maya", "rizky", "jo", "dewi", "sam", "putri", "lee"]
THINGS = ["parser", "release", "login page", "cache", "bot", "docs", "server", "modpack"]
CLEAN_EN = [
    "hey {name}, did you push the fix for the {thing}?",
    "lol the {thing} update broke everything again",
    "anyone up for a game tonight? around {n}pm",
    "thanks {name}! that worked 🙏",
    "the {thing} docs are at https://github.com/{name}/{n}",
    "brb, dinner",
    "has anyone tried the new {thing} build? it's way faster",
    "@{name} can you review my PR when you get a chance",
    "good morning everyone ☀️",
    "the meeting moved to {n}:30, same channel",
    "I'm getting KeyError '{thing}' on line {n}, any idea?",
    "the class assessment is due friday, don't miss it",
    "Scunthorpe won {n}-1 at home last night",
    "my cockatiel learned a new whistle 😂",
    "the therapist said to take it slow with the {thing}",
    "shiitake risotto tonight, recipe in the pinned post",
    "ok",
    "+1, same here",
    "does the {thing} run on python 3.{n}?",
    "congrats on the release {name}!! 🎉🎉",
]
CLEAN_ID = [
    "halo {name}, udah makan belum?",
    "besok rapat jam {n} ya, jangan telat",
    "makasih banyak kak, sangat membantu 🙏",
    "ada yang tau cara install {thing} di windows?",
    "wkwk iya bener banget",
    "aku lagi di jalan, macet parah",
    "nanti malam main bareng yuk {name}",
    "jangan lupa kerjakan tugasnya sebelum jumat",
    "selamat pagi semuanya, semangat!",
    "asuransi mobilku baru diperpanjang kemarin",
    "penjahit di pasar baru bagus, tailor langganan ibu",
    "kapan ke Taiwan lagi {name}?",
    "mantap, {thing} nya udah jalan lagi",
    "sip, nanti aku kabari",
]
ABUSE_EN = ["you're a {w}", "shut up you {w}", "{w} this {thing}", "what a {w} move, {name}"]
ABUSE_ID = ["dasar {w} lu", "{w} kau {name}", "{w} banget sih", "ah {w}, {thing} rusak lagi"]
LONG = (
    "Here is the write-up of today's session about the {thing}. We went through the open "
    "issues one by one, agreed on the order for the next release and split the work. "
)
LEET = str.maketrans("aeiost", "431057")
CYRILLIC = str.maketrans("aeopcyx", "аеорсух")
FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyz"}
OBFUSCATE: list[Callable[[str], str]] = [
    lambda w: w,
    lambda w: w.translate(LEET),
    lambda w: " ".join(w),
    lambda w: ".".join(w),
    lambda w: w.translate(CYRILLIC),
    lambda w: "\u200b".join(w),
    lambda w: "".join(c * 3 if c in "aeiou" else c for c in w),
    lambda w: "".join(FULLWIDTH.get(c, c) for c in w),
    lambda w: w[0] + w[1:].replace(next((c for c in w[1:] if c in "aeiou"), "#"), "*", 1),
    str.upper,
]


def _words(names: Iterable[str]) -> list[str]:
    return [w.rstrip("*") for n in names for w in load_lexicon(n) if "?" not in w and " " not in w]


def _hostile(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:  # zalgo: eight stacked combining marks on every letter
        return "".join(
            c + "".join(chr(rng.randint(0x300, 0x36F)) for _ in range(8)) for c in "hello"
        )
    if kind == 1:
        return "hi\x00there\x00" + "\x00" * rng.randint(1, 50) + " still here?"
    if kind == 2:  # right-to-left override hiding an extension
        return "look at my homework \u202egpj.exe and tell me"
    if kind == 3:  # 4 KB of assorted code points (no surrogates)
        return "".join(
            chr(rng.choice([rng.randint(0x20, 0xD7FF), rng.randint(0xE000, 0x2FFFF)]))
            for _ in range(4096)
        )
    if kind == 4:
        return "ok\u200b" * 400 + "\ufeff\u2066\u2069" * 100
    return "broken \ud83d surrogate and \udfff more"


def chat_mix(n: int, keep: int) -> list[Item]:
    """A seeded mix: ~84% clean chat (EN/ID), ~10% abusive or obfuscated, ~3% spam, ~1% long,
    ~2% hostile. Spam includes bursts from one author, so flood and duplicates fire. `keep`:
    how many earlier messages of an author the rules see (the policy's window)."""
    rng = random.Random(SEED)
    fake = FakeAdapter()
    en = _words(["en-profanity"])
    id_ = _words(["id-kasar"])
    insults = [w for n_ in ("en-insults", "id-insults") for w in load_lexicon(n_) if "*" not in w]
    out: list[tuple[Message, str]] = []
    clock = BASE_TIME

    def add(text: str, kind: str, author: str | None = None, **extra: Any) -> None:
        nonlocal clock
        clock += STEP if author is None else STEP / 5
        user = author or f"u{rng.randrange(AUTHORS)}"
        msg = fake.message(text, author=user, channel=rng.choice(["general", "help", "games"]))
        out.append((replace(msg, sent_at=clock, **extra), kind))

    def fill(template: str, **slots: str) -> str:
        slot = {
            "name": rng.choice(NAMES),
            "thing": rng.choice(THINGS),
            "n": str(rng.randint(1, 12)),
        }
        return template.format(**{**slot, **slots})

    while len(out) < n:
        roll = rng.random()
        if roll < 0.84:
            lines = CLEAN_EN if rng.random() < 0.6 else CLEAN_ID
            add(fill(rng.choice(lines)), "clean")
        elif roll < 0.94:
            if rng.random() < 0.2:
                add(fill("{name} " + rng.choice(insults)), "abusive")
                continue
            english = rng.random() < 0.5
            word = rng.choice(OBFUSCATE)(rng.choice(en if english else id_))
            add(fill(rng.choice(ABUSE_EN if english else ABUSE_ID), w=word), "abusive")
        elif roll < 0.97:
            _spam(rng, add, fill)
        elif roll < 0.98:
            text = "".join(fill(LONG) for _ in range(rng.randint(5, 20)))
            add(text if rng.random() < 0.7 else text.replace(". ", ".\n"), "long")
        else:
            add(_hostile(rng), "hostile")
    return _with_context(out[:n], rng, keep)


def _spam(rng: random.Random, add: Callable[..., None], fill: Callable[..., str]) -> None:
    kind = rng.randrange(8)
    if kind == 0:
        add(fill("WHY IS NOBODY ANSWERING MY QUESTION ABOUT THE {thing}").upper(), "spam")
    elif kind == 1:
        add("🎉" * rng.randint(16, 40), "spam")
    elif kind == 2:
        add(f"join my server discord.gg/x{rng.randint(100, 999)}y", "spam")
    elif kind == 3:
        add("free skins at grabify.link/abc or free nitro here", "spam")
    elif kind == 4:
        add("@everyone look at this", "spam", mentions=tuple(f"u{i}" for i in range(8)))
    elif kind == 5:
        add("here is the installer", "spam", attachments=(Attachment("setup.exe"),))
    elif kind == 6:  # a brand-new account posting a link
        msg_author = f"new{rng.randrange(1000)}"
        add("check this out https://example.xyz/promo", "spam", author=msg_author)
    else:  # a burst: the same line six times in about a second
        author, line = f"spammer{rng.randrange(20)}", fill("buy {thing} cheap, dm me")
        for _ in range(6):
            add(line, "spam", author=author)


def _with_context(
    items: Sequence[tuple[Message, str]], rng: random.Random, keep: int
) -> list[Item]:
    """Precompute scores (what a model would say) and each author's recent messages."""
    window = RecentWindow()
    done: list[Item] = []
    for msg, kind in items:
        if msg.author.user_id.startswith("new"):
            created = msg.sent_at - timedelta(hours=1)
            msg = replace(msg, author=replace(msg.author, account_created_at=created))
        toxic = rng.uniform(0.75, 0.99) if kind == "abusive" else rng.uniform(0.0, 0.4)
        entry = Recent(msg.sent_at, msg.channel_id, fingerprint(normalize(msg.text)))
        history = window.push(msg.community_id, msg.author.user_id, entry, keep)
        done.append(Item(msg, kind, _scores(toxic), history))
    return done


def _scores(toxic: float) -> dict[str, float]:
    return {"toxicity": toxic, "insult": toxic * 0.8, "obscene": toxic * 0.6, "threat": 0.01}


def read_texts(path: Path, limit: int | None = None) -> list[tuple[str, int]]:
    """(text, label) of a dev CSV, at most `limit` rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(row["text"], int(row["label"])) for row in csv.DictReader(handle)]
    return rows[:limit]


def dev_mix(data: Path, limit: int, keep: int) -> list[Item]:
    """Real tweets: OLID (English) and Ibrohim (Indonesian) dev texts, interleaved."""
    rng = random.Random(SEED)
    fake = FakeAdapter()
    english = read_texts(data / "olid-offenseval2019" / "dev.csv", limit)
    indonesian = read_texts(data / "id-multilabel-hate-abusive" / "dev.csv", limit)
    rows = [r for pair in zip(english, indonesian, strict=False) for r in pair]
    items = []
    for i, (text, label) in enumerate(rows):
        msg = fake.message(text, author=f"u{rng.randrange(AUTHORS)}")
        msg = replace(msg, sent_at=BASE_TIME + STEP * i)
        items.append((msg, "abusive" if label else "clean"))
    return _with_context(items, rng, keep)


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))])

    rule = "-" * len(line(cells[0]))
    print(f"\n{title}\n{rule}\n{line(cells[0])}\n{rule}")
    for row in cells[1:]:
        print(line(row))
    print(rule)
