"""No text the bot sends can ping @everyone, @here, a role or a member it did not mean to,
whatever names, reasons and messages members throw at it (reliability-security S1)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from bot.actions import ActionKind
from bot.events import Invocation, Join, Member, Report, Vote
from bot.i18n import LANGUAGES, Texts, catalog, placeholders
from tests.helpers import Core, build_core

ATS = ("@", "＠", "﹫")
HANDLES = ("everyone", "here", "Everyone", "HERE", "role", "admins", "mod_team", "user123")
PINGS = [f"{at}{h}" for at in ATS for h in HANDLES]
PINGS += [f"<{at}{kind}{n}>" for at in ATS for kind, n in (("", 123), ("!", 123), ("&", 456))]
WRAPS = (
    "{}",
    "hi {} look",
    "\u202e{}\u202c",
    "\u200b{}\u200b",
    "\u2067{}\u2069 \u200d",
    "\ufeff{}{}",
    "`{}` **{}**",
    "\n> {}\n",
)
ODD = [
    "@every\u200bone",
    "@\u200beveryone",
    "@@everyone @@here",
    "\\@everyone",
    "<@&456><@123>@here",
    "\u202eenoyreve@ ereh@",
    "@\u202eeveryone",
    "mail help@everyone.example",
    "@",
    "<@",
    "<@!",
    "<@&",
    "a" * 4990 + "@everyone",
    "@everyone " * 500,
    "\u200b" * 2000 + "<@&456>" + "\u202e" * 2000 + "@here",
    "x@" * 2500,
]
HOSTILE = [wrap.replace("{}", ping) for ping in PINGS for wrap in WRAPS] + ODD
# A name ping needs its `@` at the start of a word: `help@example.com` pings nobody on
# Telegram or Discord, so e-mail addresses stay readable. Mass mentions count anywhere.
RAW = re.compile(r"[@＠﹫](?:everyone|here)|<[@＠﹫][!&]?\d|(?<![\w.])[@＠﹫]\w", re.IGNORECASE)
CHECKED = {"texts": 0, "raw": 0}


def corpus(lang: str) -> list[str]:
    """Through the slower real paths: all of it in English, every fourth value in Indonesian."""
    return HOSTILE if lang == "en" else HOSTILE[::4]


def raw_mentions(texts: list[str]) -> list[str]:
    """Every raw ping in `texts` (counted in the module's figure)."""
    found = [m for t in texts for m in RAW.findall(t)]
    CHECKED["texts"] += len(texts)
    CHECKED["raw"] += len(found)
    return found


def outgoing(core: Core, responses: list[str]) -> list[str]:
    """Everything the bot said: posts (and their buttons), edits, warn notices, replies."""
    sent = [r.text for r in core.fake.sent] + [b.label for r in core.fake.sent for b in r.buttons]
    warns = [a.reason for a in core.fake.calls if a.kind is ActionKind.WARN]
    return sent + [text for _, text in core.fake.edits] + warns + responses


COMMUNITY = """
[[guidelines]]
id = "respect"
title = {{ en = "Respect everyone", id = "Hormati semua orang" }}
text = {{ en = "Be kind.", id = "Bersikap baik." }}
[[communities]]
id = "hostile"
language = "{lang}"
platforms = {{ fake = ["c1"] }}
moderator_channels = {{ fake = "mods" }}
"""
GREY_BAND = """
[model]
backend = "double"
params = { toxic = ["toxicmarker"], grey = ["greymarker"] }
[[rules]]
name = "toxic"
type = "toxicity"
guideline = "respect"
params = { label = "toxicity", act_at = 0.9, escalate_at = 0.7 }
on_match = { delete = true, sanction = "warn" }
"""


async def community(tmp_path: Path, lang: str, extra: str = "") -> Core:
    """A community in `lang` with a moderators' channel (and, given `extra`, a policy)."""
    return await build_core(tmp_path / "x.db", extra + COMMUNITY.format(lang=lang))


def moderator(core: Core, name: str) -> Member:
    return replace(core.fake.member("mod", moderator=True, rank=10), name=name)


async def run(
    core: Core, actor: Member, command: str, target: Member | None = None, **args: str
) -> str:
    """Run a command; `target_id` alone (no target) when `args` names one."""
    target_id = args.pop("target_id", target.user_id if target else None)
    invocation = Invocation(
        id=f"i{len(core.fake.calls)}-{len(core.fake.sent)}-{command}-{id(args)}",
        platform="fake",
        community_id="c1",
        channel_id="general",
        actor=actor,
        command=command,
        args=args,
        target=target,
        target_id=target_id,
        bot=core.fake.member("modbot", rank=60),
        at=core.clock(),
    )
    return (await core.core.on_command(invocation)).text


def test_the_corpus_is_hostile_enough() -> None:
    assert len(HOSTILE) >= 200 and max(map(len, HOSTILE)) >= 5000
    assert sum(bool(RAW.search(h)) for h in HOSTILE) >= 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_neutralises_every_hostile_value(lang: str) -> None:
    texts, rendered = Texts(lang), []
    for key, template in catalog(lang).items():
        for hostile in HOSTILE:
            rendered.append(texts(key, **dict.fromkeys(placeholders(template), hostile)))
    assert raw_mentions(rendered) == []
    print(f"{lang}: {len(rendered)} outgoing texts checked, 0 raw mentions")


def test_the_check_catches_a_template_filled_without_neutralising() -> None:
    leaks = 0
    for key, template in catalog("en").items():
        names = placeholders(template)
        leaks += sum(bool(RAW.search(template.format(**dict.fromkeys(names, h)))) for h in HOSTILE)
        if names:
            assert RAW.search(template.format(**dict.fromkeys(names, "@everyone"))), key
    assert leaks > 10_000


async def test_with_neutralising_switched_off_the_warn_path_leaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.i18n.neutralise", str)
    core = await community(tmp_path, "en")
    said = await run(
        core, moderator(core, "mod"), "warn", core.fake.member("<@&456>"), reason="@here"
    )
    assert {"@here", "<@&4"} <= set(RAW.findall("\n".join(outgoing(core, [said]))))
    await core.close()


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_warns_and_the_error_handler_never_echo_a_ping(tmp_path: Path, lang: str) -> None:
    core = await community(tmp_path, lang)
    responses = []
    for i, hostile in enumerate(corpus(lang)):
        mod, target = moderator(core, hostile), core.fake.member(f"u{i}")
        target = replace(target, name=hostile)
        responses.append(await run(core, mod, "warn", target, reason=hostile))
        responses.append(await run(core, mod, "history", target))
        responses.append(await run(core, mod, "case", case=str(2 * i + 1)))
        responses.append(await run(core, mod, "unban", target_id=hostile, reason=hostile))
        responses.append(await run(core, mod, "case", case=hostile))
        responses.append(await run(core, mod, "timeout", target, duration=hostile))
        responses.append(await run(core, mod, hostile))
    assert len(core.fake.calls) == 2 * len(corpus(lang))
    texts = outgoing(core, responses)
    assert raw_mentions(texts) == []
    print(f"{lang}: {len(texts)} outgoing texts checked, 0 raw mentions")
    await core.close()


async def vote_on_latest_notice(core: Core, voter: Member, verdict: str) -> str:
    notice = core.fake.sent[-1]
    assert notice.channel_id == "mods", notice
    escalation = int(notice.buttons[0].data.split(":")[1])
    return (
        await core.core.on_vote(
            Vote(escalation, verdict, voter, core.clock(), core.fake.member("modbot", rank=60))
        )
    ).text


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_reports_and_their_escalations_never_echo_a_ping(tmp_path: Path, lang: str) -> None:
    core = await community(tmp_path, lang)
    responses = []
    for i, hostile in enumerate(corpus(lang)):
        msg = core.fake.message(hostile, author=f"u{i}")
        msg = replace(msg, author=replace(msg.author, name=hostile))
        reporter = core.fake.member(f"r{i}")
        responses.append(
            (await core.core.on_report(Report(msg, reporter, hostile, msg.sent_at))).text
        )
        responses.append(await run(core, moderator(core, hostile), "queue"))
        responses.append(await vote_on_latest_notice(core, moderator(core, hostile), "warn"))
    assert len(core.fake.edits) == len(corpus(lang))
    texts = outgoing(core, responses)
    assert raw_mentions(texts) == []
    print(f"{lang}: {len(texts)} outgoing texts checked, 0 raw mentions")
    await core.close()


async def test_a_grey_band_escalation_never_echoes_a_ping(tmp_path: Path) -> None:
    core = await community(tmp_path, "en", GREY_BAND)
    for i, hostile in enumerate(HOSTILE):
        msg = core.fake.message(f"greymarker {hostile}", author=f"u{i}", sent_at=core.clock())
        decision = await core.core.on_message(
            replace(msg, author=replace(msg.author, name=hostile))
        )
        assert decision is not None and decision.escalate
        await vote_on_latest_notice(core, moderator(core, hostile), "dismiss")
    texts = outgoing(core, [])
    assert len(core.fake.sent) == len(HOSTILE) and raw_mentions(texts) == []
    print(f"{len(texts)} outgoing texts checked, 0 raw mentions")
    await core.close()


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_newcomer_with_a_hostile_name_is_greeted_without_a_ping(
    tmp_path: Path, lang: str
) -> None:
    core = await community(tmp_path, lang)
    for i, hostile in enumerate(HOSTILE):
        member = replace(core.fake.member(f"new{i}"), name=hostile)
        await core.core.on_join(Join(member, core.clock(), member_count=i))
    greetings = core.fake.sent
    assert [g.mention_user_id for g in greetings] == [f"new{i}" for i in range(len(HOSTILE))]
    texts = outgoing(core, [])
    assert raw_mentions(texts) == []
    print(f"{lang}: {len(texts)} outgoing texts checked, 0 raw mentions")
    await core.close()


async def test_faq_commands_never_echo_a_ping(tmp_path: Path) -> None:
    core = await community(tmp_path, "en")
    mod, responses = moderator(core, "mod"), []
    for i, hostile in enumerate(HOSTILE):
        word = hostile.split()[0] if hostile.split() else hostile
        responses.append(
            await run(core, mod, "faq", action="add", name=word, triggers=hostile, answer="ok")
        )
        responses.append(await run(core, mod, "faq", action="remove", name=f"{word}{i}"))
    responses.append(await run(core, mod, "faq", action="list"))
    texts = outgoing(core, responses)
    assert raw_mentions(texts) == []
    print(f"{len(texts)} outgoing texts checked, 0 raw mentions")
    await core.close()


async def test_a_faq_answer_never_pings(tmp_path: Path) -> None:
    core = await community(tmp_path, "en")
    mod = moderator(core, "mod")
    for i, hostile in enumerate(HOSTILE[:40]):
        await run(
            core, mod, "faq", action="add", name=f"q{i}", triggers=f"zebra{i:03d}x", answer=hostile
        )
        await core.say(f"what about zebra{i:03d}x?", author=f"asker{i}")
    answers = [r.text for r in core.fake.sent]
    assert len(answers) == 40
    assert [m for answer in answers for m in RAW.findall(answer)] == []
    await core.close()


def test_the_figure() -> None:
    print(f"{CHECKED['texts']} outgoing texts checked, {CHECKED['raw']} raw mentions")
    assert CHECKED["raw"] == 0
