"""Who may run which command on whom, as moderators see it: every command, every role, every
kind of target. The expected outcome comes from the written rules below, not from bot/authz.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from itertools import count

import pytest
import pytest_asyncio
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.actions import ActionKind
from bot.authz import check_actor, check_target
from bot.commands import COMMANDS
from bot.events import Invocation, Member, Report, Vote
from bot.i18n import Texts
from tests.helpers import Core, build_core

ON_MODULE_LOOP = pytest.mark.asyncio(loop_scope="module")

BOT_RANK = 60
EN = Texts("en")
REFUSALS = ("not_moderator", "target_missing", "target_needed", "self", "outranks", "bot_outranks")

# The rules, written down once. What each command does to the member when allowed:
ACTS = {"warn": {"warn"}, "timeout": {"warn", "timeout"}, "untimeout": {"untimeout"}}
ACTS |= {"kick": {"warn", "kick"}, "ban": {"warn", "ban"}, "unban": {"unban"}}
ACTS |= {"purge": {"delete"}, "note": set()}
LOOKS_AT_MEMBER = {"history"}
ABSENT_OK = {"unban", "history"}
FOR_EVERYONE = {"rules", "report", "help", "link"}
OTHER_MODERATOR = {"case", "reason", "pardon", "queue", "faq", "reload", "health"}
ARGS = {"timeout": {"duration": "10m"}, "ban": {"reason": "spam"}, "note": {"reason": "rude"}}
ARGS |= {"case": {"case": "1"}, "pardon": {"case": "1"}, "reason": {"case": "1", "reason": "x"}}

# Actors: (moderator, rank, is_bot). The bot account ranks above the bot and is flagged a
# moderator, so only its being a bot can refuse it.
ROLES = {"member": (False, 0, False), "moderator": (True, 10, False), "admin": (True, 50, False)}
ROLES |= {"owner": (True, 100, False), "bot-account": (True, 70, True)}
RUN = count()
TARGETS = ("below", "peer", "above", "bot-level", "above-bot", "self", "unresolved")


def actor_for(core: Core, role: str) -> Member:
    moderator, rank, is_bot = ROLES[role]
    return replace(core.fake.member(role, moderator=moderator, rank=rank), is_bot=is_bot)


def target_for(core: Core, actor: Member, kind: str, tag: str) -> Member | None:
    ranks = {"below": actor.rank - 1, "peer": actor.rank, "above": actor.rank + 1}
    ranks |= {"bot-level": BOT_RANK, "above-bot": BOT_RANK + 15}
    if kind == "self":
        return actor
    if kind == "unresolved":
        return None
    return core.fake.member(f"{tag}-{kind}", rank=ranks[kind])


def expected_refusal(command: str, actor: Member, target: Member | None) -> str | None:
    """The refusal a moderator should see (its catalogue text), or None when allowed."""
    if command not in FOR_EVERYONE and (actor.is_bot or not actor.is_moderator):
        return EN("authz.not_moderator", command=command)
    if command not in ACTS and command not in LOOKS_AT_MEMBER:
        return None
    if target is None:
        return None if command in ABSENT_OK else EN("authz.target_missing", command=command)
    if command in LOOKS_AT_MEMBER:
        return None
    if target.user_id == actor.user_id:
        return EN("authz.self", command=command)
    if target.rank >= actor.rank:
        return EN("authz.outranks", user=target.name)
    if target.rank >= BOT_RANK:
        return EN("authz.bot_outranks", user=target.name)
    return None


async def attempt(
    core: Core, command: str, actor: Member, target: Member | None, target_id: str
) -> tuple[str, set[str]]:
    """Run one command; what the moderator read, and the kinds of actions on `target_id`."""
    before = len(core.fake.calls)
    invocation = Invocation(
        id=f"{command}-{actor.user_id}-{target_id}-{next(RUN)}",
        platform=core.fake.platform,
        community_id=core.fake.community_id,
        channel_id="general",
        actor=actor,
        command=command,
        args=ARGS.get(command, {}),
        target=target,
        target_id=target_id,
        bot=core.fake.member("modbot", rank=BOT_RANK),
        at=core.clock(),
    )
    response = await core.core.on_command(invocation)
    new = core.fake.calls[before:]
    assert all(a.user_id == target_id for a in new), f"/{command} acted on someone else: {new}"
    return response.text, {str(a.kind) for a in new}


async def disagreements(core: Core, command: str) -> tuple[int, list[str]]:
    """Every (role, target) cell of `command`: how many, and those that broke the rules."""
    wrong: list[str] = []
    cells = 0
    for role in ROLES:
        actor = actor_for(core, role)
        for kind in TARGETS:
            cells += 1
            tag = f"{command}-{role}"
            target = target_for(core, actor, kind, tag)
            target_id = target.user_id if target else f"{tag}-gone"
            if command == "purge" and target is not None:
                await core.say("see you all tomorrow", author=target.user_id)
            refusal = expected_refusal(command, actor, target)
            said, acted = await attempt(core, command, actor, target, target_id)
            cell = f"/{command} by {role} on {kind}"
            if refusal is not None and (acted or said not in refusal_texts(command, target)):
                wrong.append(f"{cell}: unauthorised success ({said!r}, acted {sorted(acted)})")
            elif refusal is not None and said != refusal:
                wrong.append(f"{cell}: refused as {said!r}, expected {refusal!r}")
            elif refusal is None and said in refusal_texts(command, target):
                wrong.append(f"{cell}: authorised refusal ({said!r})")
            elif refusal is None and acted != ACTS.get(command, set()):
                wrong.append(f"{cell}: acted {sorted(acted)}, expected {sorted(ACTS[command])}")
    return cells, wrong


def refusal_texts(command: str, target: Member | None) -> set[str]:
    user = target.name if target else ""
    return {EN(f"authz.{key}", command=command, user=user) for key in REFUSALS}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def core(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Core]:
    built = await build_core(tmp_path_factory.mktemp("authz") / "x.db")
    yield built
    await built.close()


def test_the_rules_above_classify_every_command() -> None:
    classified = set(ACTS) | LOOKS_AT_MEMBER | FOR_EVERYONE | OTHER_MODERATOR
    assert classified == set(COMMANDS)


@ON_MODULE_LOOP
@pytest.mark.parametrize("command", sorted(COMMANDS))
async def test_every_role_and_target_gets_what_the_rules_say(core: Core, command: str) -> None:
    cells, wrong = await disagreements(core, command)
    unauthorised = sum("unauthorised" in w for w in wrong)
    print(f"/{command}: {cells} cells, {unauthorised} unauthorised successes, {len(wrong)} wrong")
    assert wrong == []


@ON_MODULE_LOOP
async def test_the_matrix_goes_red_when_a_command_forgets_its_target_check(core: Core) -> None:
    original = core.services.commands
    core.services.commands = {**original, "ban": replace(COMMANDS["ban"], acts_on_member=False)}
    try:
        _, wrong = await disagreements(core, "ban")
    finally:
        core.services.commands = original
    assert any("/ban by moderator on above: unauthorised success" in w for w in wrong)


@ON_MODULE_LOOP
async def test_a_moderator_cannot_ban_an_admin_the_platform_could_not_look_up(core: Core) -> None:
    said, acted = await attempt(core, "ban", actor_for(core, "moderator"), None, "uncached-admin")
    assert said == "I can't find that member right now, so I won't act; try again in a moment."
    assert acted == set()


@ON_MODULE_LOOP
async def test_someone_who_left_can_still_be_unbanned_by_id(core: Core) -> None:
    said, acted = await attempt(core, "unban", actor_for(core, "moderator"), None, "left-user")
    assert said.startswith("Unbanned left-user") and acted == {ActionKind.UNBAN}


@ON_MODULE_LOOP
async def test_without_the_bots_own_rank_nothing_is_acted_on(core: Core) -> None:
    owner, target = actor_for(core, "owner"), core.fake.member("rankless-target", rank=1)
    invocation = Invocation(
        "no-bot", "fake", "c1", "general", owner, "kick", target=target, target_id="x"
    )
    response = await core.core.on_command(invocation)
    assert response.text == "I can't act on rankless-target: they rank at or above me."


async def reported(core: Core, author: str, rank: int) -> int:
    """A member reports `author`'s message; the escalation's number, as /queue lists it."""
    msg = core.fake.message("look at this", author=author, rank=rank)
    await core.core.on_report(Report(msg, core.fake.member("reporter"), "rude", core.clock()))
    queue = await core.command(actor_for(core, "owner"), "queue")
    found = re.search(rf"#(\d+) {author}:", queue.text)
    assert found is not None, queue.text
    return int(found.group(1))


@ON_MODULE_LOOP
async def test_a_verdict_button_on_someone_who_outranks_the_voter_is_refused(core: Core) -> None:
    escalation, before = await reported(core, "senior-mod", 50), len(core.fake.calls)
    vote = Vote(escalation, "ban", actor_for(core, "moderator"), core.clock())
    said = await core.core.on_vote(vote)
    assert said.text == "You can't act on senior-mod: they rank at or above you."
    assert len(core.fake.calls) == before


@ON_MODULE_LOOP
async def test_a_bot_account_cannot_press_a_verdict_button(core: Core) -> None:
    escalation, before = await reported(core, "voted-by-a-bot", 0), len(core.fake.calls)
    vote = Vote(escalation, "ban", actor_for(core, "bot-account"), core.clock())
    said = await core.core.on_vote(vote)
    assert said.text == "Only moderators can use /vote."
    assert len(core.fake.calls) == before


# Property: random rank ladders (ties, negatives, a missing bot, uncached targets, the same id
# on another platform) against the reference rule; figure printed by the last test.
RANK = st.integers(-3, 120)
CHECKED = {"configurations": 0, "disagreements": 0}


@st.composite
def ladders(draw: st.DrawFn) -> tuple[Member, Member | None, Member | None, str | None]:
    actor = Member(
        "discord", "g", "actor", "actor", draw(st.booleans()), draw(st.booleans()), rank=draw(RANK)
    )
    bot = draw(st.none() | RANK.map(lambda r: Member("discord", "g", "bot", "bot", True, rank=r)))
    near = [actor.rank, actor.rank - 1] + ([bot.rank, bot.rank - 1] if bot else [])
    rank = draw(st.sampled_from(near) | RANK)
    kind = draw(st.sampled_from(["other", "other", "self", "same-id-elsewhere", "missing"]))
    target = {
        "other": Member("discord", "g", "t", "t", rank=rank),
        "self": actor,
        "same-id-elsewhere": Member("telegram", "g", "actor", "actor", rank=rank),
        "missing": None,
    }[kind]
    return actor, target, bot, draw(st.none() | st.just("123"))


def reference(actor: Member, target: Member | None, bot: Member | None, asked: str | None) -> str:
    if actor.is_bot or not actor.is_moderator:
        return "authz.not_moderator"
    if target is None:
        return "authz.target_missing" if asked else "authz.target_needed"
    if (target.platform, target.user_id) == (actor.platform, actor.user_id):
        return "authz.self"
    if target.rank >= actor.rank:
        return "authz.outranks"
    return "authz.bot_outranks" if bot is None or target.rank >= bot.rank else "allowed"


@settings(max_examples=2000, deadline=None)
@given(ladders(), st.sampled_from(sorted(ACTS)))
def test_no_actor_ever_acts_on_an_equal_or_higher_rank_or_above_the_bot(
    ladder: tuple[Member, Member | None, Member | None, str | None], command: str
) -> None:
    actor, target, bot, asked = ladder
    refusal = check_actor(actor, command) or check_target(actor, target, bot, command, asked)
    got = refusal.key if refusal else "allowed"
    CHECKED["configurations"] += 1
    CHECKED["disagreements"] += got != reference(actor, target, bot, asked)
    if got == "allowed":
        assert target is not None and bot is not None and actor.is_moderator
        assert target.rank < actor.rank and target.rank < bot.rank
    assert got == reference(actor, target, bot, asked)


@ON_MODULE_LOOP
@settings(max_examples=150, deadline=None)
@given(actor_rank=RANK, target_rank=RANK, command=st.sampled_from(sorted(ACTS)))
async def test_through_the_router_a_random_ladder_acts_only_downwards(
    core: Core, actor_rank: int, target_rank: int, command: str
) -> None:
    actor = core.fake.member(f"mod{actor_rank}", moderator=True, rank=actor_rank)
    tag = f"{command}-{actor_rank}-{target_rank}-{len(core.fake.calls)}"
    target = core.fake.member(tag, rank=target_rank)
    if command == "purge":
        await core.say("hello", author=tag)
    said, acted = await attempt(core, command, actor, target, tag)
    allowed = target_rank < actor_rank and target_rank < BOT_RANK
    assert (said not in refusal_texts(command, target)) == allowed
    assert acted == (ACTS[command] if allowed else set())


def test_the_property_figure() -> None:
    print(
        f"{CHECKED['configurations']} generated (actor, target, bot) configurations, "
        f"{CHECKED['disagreements']} disagreements with the model"
    )
    assert CHECKED["disagreements"] == 0
