"""What the fuzzers feed and what must hold: hostile text through the normaliser, the rule
engine (every shipped rule type, the default policy), the pattern compiler, replay's input
parser, and the Telegram and Discord conversions. A crash is any exception but the clean
refusals named here (PatternError, ConfigError), or a rule that raised inside the engine.

Used by tests/test_fuzz.py (a short run) and bench/fuzz.py (a long run)."""

from __future__ import annotations

import itertools
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import strategies as st
from telegram import Message as TgMessage

from adapters.discord import convert as discord_convert
from adapters.fake import FakeAdapter
from adapters.telegram import convert as telegram_convert
from bot.config import load_config
from bot.config_errors import ConfigError
from bot.events import Member
from bot.policy import RULE_ERROR, build_policy
from bot.replay_input import read_rows
from rules.base import Context, Recent, fingerprint
from rules.normalize import normalize
from rules.patterns import PatternError, compile_user_pattern

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
CONFIG = load_config()
POLICY = build_policy(CONFIG, CONFIG.community_for("fake", "c1"))
FAKE = FakeAdapter()
AUTHOR = FAKE.member("fuzz")
_files = itertools.count()

# Text that hurts: every plane, zero-width and bidi controls, combining marks, surrogates'
# neighbours, homoglyphs, leet digits, separators, NUL, long repeats.
hostile = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\u200b\u200d\u202e\u2066\u0336\u0301\ufeff\x00@#:/._-0134$"),
        st.sampled_from("аеорсху𝐟𝐮𝐜𝐤🅵🆄ｆｕｃｋ"),
    ),
    max_size=400,
) | st.builds(lambda s, n: s * n, st.text(max_size=8), st.integers(1, 600))


def check_normalize(text: str) -> None:
    views = normalize(text, CONFIG.bot.max_scan_chars)
    assert isinstance(views.folded, str) and isinstance(views.leet, str)


def check_rules(
    text: str, links: list[str], mentions: list[str], earlier: list[str], score: float | None
) -> None:
    """The default policy's every rule on one message: a decision, and no rule raised."""
    msg = FAKE.message(text, author="fuzz", sent_at=NOW)
    msg = msg.__class__(**{**_fields(msg), "links": tuple(links), "mentions": tuple(mentions)})
    views = normalize(msg.text, CONFIG.bot.max_scan_chars)
    recent = tuple(
        Recent(NOW, "general", fingerprint(normalize(e, CONFIG.bot.max_scan_chars)))
        for e in earlier
    )
    scores = None if score is None else {"toxicity": score, "insult": score}
    decision = POLICY.evaluate(msg, Context(views=views, now=NOW, recent=recent, scores=scores))
    assert not [h for h in decision.hits if h.rule == RULE_ERROR], decision.hits


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


def check_pattern(pattern: str, text: str) -> None:
    try:
        compiled = compile_user_pattern(pattern)
    except PatternError:
        return  # refused with a reason: that is the contract
    compiled.search(text)


def check_replay_input(data: bytes, suffix: str) -> None:
    folder = Path(tempfile.gettempdir()) / "modbot-fuzz"
    folder.mkdir(exist_ok=True)
    path = folder / f"input{next(_files) % 8}{suffix}"
    path.write_bytes(data)
    try:
        rows = read_rows(path)
    except ConfigError:
        return
    for row in rows:
        assert row.error is not None or isinstance(row.text, str)


# Telegram: updates shaped as the Bot API sends them, with hostile contents.
ids = st.integers(-(2**52), 2**52)
tg_user = st.fixed_dictionaries(
    {"id": st.integers(1, 2**40), "is_bot": st.booleans(), "first_name": hostile},
    optional={"username": st.text(max_size=40), "last_name": hostile},
)
tg_entity = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["url", "text_link", "mention", "text_mention", "bold", "bot_command", "hashtag"]
        ),
        "offset": st.integers(-3, 500),
        "length": st.integers(-3, 500),
    },
    optional={"url": st.text(max_size=80), "user": tg_user},
)
tg_chat = st.fixed_dictionaries(
    {"id": ids, "type": st.sampled_from(["group", "supergroup", "channel", "private"])},
    optional={"username": st.text(max_size=30), "title": hostile},
)
tg_base = {"message_id": st.integers(1, 2**31), "date": st.integers(0, 2**31), "chat": tg_chat}
tg_extra = {
    "text": hostile,
    "caption": hostile,
    "entities": st.lists(tg_entity, max_size=6),
    "caption_entities": st.lists(tg_entity, max_size=4),
    "from": tg_user,
    "sender_chat": tg_chat,
    "message_thread_id": st.integers(1, 2**31),
    "is_topic_message": st.booleans(),
    "document": st.fixed_dictionaries(
        {"file_id": st.just("f"), "file_unique_id": st.just("u")},
        optional={"file_name": hostile},
    ),
    "photo": st.lists(
        st.fixed_dictionaries(
            {
                "file_id": st.just("p"),
                "file_unique_id": st.just("u"),
                "width": st.just(1),
                "height": st.just(1),
            }
        ),  # fmt: skip
        max_size=2,
    ),
    "poll": st.fixed_dictionaries(
        {
            "id": st.just("poll"),
            "question": hostile,
            "total_voter_count": st.just(0),
            "is_closed": st.booleans(),
            "is_anonymous": st.booleans(),
            "type": st.just("regular"),
            "allows_multiple_answers": st.booleans(),
            "allows_revoting": st.booleans(),
            "members_only": st.booleans(),
            "options": st.lists(
                st.fixed_dictionaries(
                    {"text": hostile, "voter_count": st.just(0), "persistent_id": st.just("o")}
                ),
                max_size=4,
            ),
        }
    ),  # fmt: skip
}
tg_reply = st.fixed_dictionaries(tg_base, optional={"text": hostile, "from": tg_user})
tg_message = st.fixed_dictionaries(tg_base, optional={**tg_extra, "reply_to_message": tg_reply})


def check_telegram(data: dict[str, Any], command_text: str) -> None:
    message = TgMessage.de_json(data, None)
    assert message is not None
    author = (
        telegram_convert.member(message.from_user, message.chat.id) if message.from_user else AUTHOR
    )
    converted = telegram_convert.to_message(message, author)
    check_rules(converted.text, list(converted.links), list(converted.mentions), [], None)
    telegram_convert.impersonal(message)
    telegram_convert.command(command_text, "modbot")


# Discord: messages with the attributes discord.py gives them, with hostile contents.
def _embed(title: str, description: str, url: str, fields: list[tuple[str, str]]) -> Any:
    return SimpleNamespace(
        title=title or None, description=description or None, url=url or None,
        author=SimpleNamespace(name=title[:20] or None, url=None),
        fields=[SimpleNamespace(name=n, value=v) for n, v in fields],
        footer=SimpleNamespace(text=description[:10] or None),
    )  # fmt: skip


dc_embed = st.builds(
    _embed,
    hostile,
    hostile,
    st.text(max_size=60),
    st.lists(st.tuples(hostile, hostile), max_size=3),
)
dc_attachment = st.builds(
    lambda name, description, kind: SimpleNamespace(
        filename=name, description=description or None, content_type=kind
    ),
    hostile,
    hostile,
    st.sampled_from([None, "image/png", "video/mp4", "audio/ogg", "application/x-msdownload"]),
)


def check_discord(
    content: str, embeds: list[Any], attached: list[Any], raw: list[int], options: Any, link: str
) -> None:
    message = SimpleNamespace(
        content=content, embeds=embeds, attachments=attached, poll=None,
        guild=SimpleNamespace(id=1), channel=SimpleNamespace(id=2), id=3, reference=None,
        created_at=NOW, edited_at=None, raw_mentions=raw, raw_role_mentions=raw[:1],
        mention_everyone="@everyone" in content,
    )  # fmt: skip
    author = Member("discord", "1", "9", "fuzz", joined_at=NOW, account_created_at=NOW)
    converted = discord_convert.to_message(message, author)  # type: ignore[arg-type]
    check_rules(converted.text, list(converted.links), list(converted.mentions), [], None)
    discord_convert.options(options)
    discord_convert.message_link(link, 2)


option = st.deferred(
    lambda: st.fixed_dictionaries(
        {"name": st.text(max_size=20)},
        optional={
            "value": st.one_of(st.text(max_size=40), st.integers(), st.booleans()),
            "options": st.lists(option, max_size=3),
        },
    )
)
dc_options = st.fixed_dictionaries({}, optional={"options": st.lists(option, max_size=4)})

TARGETS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "normaliser": (check_normalize, (hostile,)),
    "rule engine": (
        check_rules,
        (
            hostile,
            st.lists(st.text(max_size=80), max_size=4),
            st.lists(st.text(max_size=20), max_size=12),
            st.lists(hostile, max_size=5),
            st.none() | st.floats(0, 1),
        ),
    ),
    "pattern compiler": (check_pattern, (st.text(max_size=300), hostile)),
    "replay input": (
        check_replay_input,
        (
            st.binary(max_size=2000)
            | st.lists(hostile, max_size=6).map(lambda rows: "\n".join(rows).encode()),
            st.sampled_from([".jsonl", ".csv"]),
        ),
    ),
    "telegram convert": (check_telegram, (tg_message, st.text(max_size=60))),
    "discord convert": (
        check_discord,
        (
            hostile,
            st.lists(dc_embed, max_size=3),
            st.lists(dc_attachment, max_size=3),
            st.lists(st.integers(0, 2**64), max_size=5),
            dc_options,
            st.text(max_size=120),
        ),
    ),
}
