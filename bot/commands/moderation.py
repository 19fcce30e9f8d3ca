"""Moderator commands that act on a member: warn, timeout, untimeout, kick, ban, unban,
purge, note. Each is a case, recorded before it is applied."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import ActionKind, Decision, Hit, Response, Sanction
from bot.commands.spec import Command, Context, Option
from bot.enforce import Enforced, Enforcement

MANUAL = "manual"
DEFAULT_TIMEOUT = timedelta(hours=1)
MAX_TIMEOUT = timedelta(days=28)


def _reason(ctx: Context) -> str:
    return str(ctx.args.get("reason") or "").strip()[:500]


async def _enforce(
    ctx: Context,
    decision: Decision,
    *,
    strike: bool = False,
    label: str | None = None,
    extra: tuple = (),  # type: ignore[type-arg]
) -> Enforced:
    reason = _reason(ctx)
    hit = Hit(MANUAL, "", reason or ctx.invocation.command)
    # The message the command was run on is kept like an automatic case's: it is the
    # moderator's judgement of that text, which `modbot model fit --audit` learns from.
    message = ctx.invocation.message
    limit = ctx.services.config.bot.excerpt_chars
    excerpt = (message.text[:limit] or None) if message is not None else None
    return await ctx.services.enforcer.enforce(
        Enforcement(
            community=ctx.community,
            target=ctx.target,
            decision=Decision(decision.delete, decision.sanction, decision.duration, False, (hit,)),
            origin=ctx.origin,
            guideline=reason,
            actor=ctx.actor.user_id,
            actor_name=ctx.actor.name,
            reason=reason or ctx.invocation.command,
            excerpt=excerpt,
            strike=strike,
            label=label,
            extra=extra,
        )
    )


DONE = {
    Sanction.WARN: "cmd.warned",
    Sanction.TIMEOUT: "cmd.timed_out",
    Sanction.KICK: "cmd.kicked",
    Sanction.BAN: "cmd.banned",
}


async def warn(ctx: Context) -> Response:
    """A warning counts as a strike, so it can climb the ladder (and say so)."""
    done = await _enforce(ctx, Decision(sanction=Sanction.WARN), strike=True)
    return ctx.say(
        DONE[done.decision.sanction],
        user=ctx.target.user_name,
        case=done.recorded.number,
        duration=ctx.texts.duration(done.decision.duration),
    )


async def timeout(ctx: Context) -> Response:
    span = min(ctx.args.get("duration") or DEFAULT_TIMEOUT, MAX_TIMEOUT)
    done = await _enforce(ctx, Decision(sanction=Sanction.TIMEOUT, duration=span))
    return ctx.say(
        "cmd.timed_out",
        user=ctx.target.user_name,
        duration=ctx.texts.duration(span),
        case=done.recorded.number,
    )


async def untimeout(ctx: Context) -> Response:
    lift = ctx.target.action(ActionKind.UNTIMEOUT, ctx.origin, _reason(ctx) or "untimeout")
    done = await _enforce(ctx, Decision(), label="untimeout", extra=(lift,))
    return ctx.say("cmd.untimed_out", user=ctx.target.user_name, case=done.recorded.number)


async def kick(ctx: Context) -> Response:
    done = await _enforce(ctx, Decision(sanction=Sanction.KICK))
    return ctx.say("cmd.kicked", user=ctx.target.user_name, case=done.recorded.number)


async def ban(ctx: Context) -> Response:
    span: timedelta | None = ctx.args.get("duration")
    extra = []
    if span is not None:
        extra.append(
            ctx.target.action(
                ActionKind.UNBAN, ctx.origin, "temporary ban ended", not_before=ctx.now + span
            )
        )
    purge = int(ctx.args.get("purge") or 0)
    extra.extend(_purge_actions(ctx, purge))
    done = await _enforce(ctx, Decision(sanction=Sanction.BAN), extra=tuple(extra))
    return ctx.say(
        "cmd.banned",
        user=ctx.target.user_name,
        duration=ctx.texts.duration(span),
        case=done.recorded.number,
    )


async def unban(ctx: Context) -> Response:
    lift = ctx.target.action(ActionKind.UNBAN, ctx.origin, _reason(ctx) or "unban")
    done = await _enforce(ctx, Decision(), label="unban", extra=(lift,))
    return ctx.say("cmd.unbanned", user=ctx.target.user_name, case=done.recorded.number)


def _purge_actions(ctx: Context, count: int) -> list:  # type: ignore[type-arg]
    if count <= 0:
        return []
    target = ctx.target
    found = ctx.services.messages.last(target.platform, target.chat_id, target.user_id, count)
    return [
        target.action(
            ActionKind.DELETE, ctx.origin, "purge", message_id=message_id, channel_id=channel_id
        )
        for channel_id, message_id in found
    ]


async def purge(ctx: Context) -> Response:
    actions = _purge_actions(ctx, int(ctx.args.get("count") or 10))
    done = await _enforce(ctx, Decision(), label="purge", extra=tuple(actions))
    return ctx.say(
        "cmd.purged", user=ctx.target.user_name, count=len(actions), case=done.recorded.number
    )


async def note(ctx: Context) -> Response:
    done = await _enforce(ctx, Decision(), label="note")
    return ctx.say("cmd.noted", user=ctx.target.user_name, case=done.recorded.number)


MEMBER = Option("member", "member", required=True)
REASON = Option("reason", "text")
DURATION = Option("duration", "duration")

COMMANDS = (
    Command("warn", warn, (MEMBER, REASON), acts_on_member=True),
    Command("timeout", timeout, (MEMBER, DURATION, REASON), acts_on_member=True),
    Command("untimeout", untimeout, (MEMBER, REASON), acts_on_member=True),
    Command("kick", kick, (MEMBER, REASON), acts_on_member=True),
    Command(
        "ban",
        ban,
        (MEMBER, DURATION, Option("purge", "integer", maximum=100), REASON),
        acts_on_member=True,
    ),
    Command("unban", unban, (MEMBER, REASON), acts_on_member=True, absent_ok=True),
    Command(
        "purge",
        purge,
        (MEMBER, Option("count", "integer", maximum=100), REASON),
        acts_on_member=True,
    ),
    Command("note", note, (MEMBER, Option("reason", "text", required=True)), acts_on_member=True),
)
