"""Moderator commands over the record: case, reason, history, pardon, queue."""

from __future__ import annotations

from bot.actions import Response
from bot.commands.spec import Command, Context, Option
from bot.escalation import verdict_label

CASE = Option("case", "integer", required=True, maximum=10_000_000)


async def case(ctx: Context) -> Response:
    found = await ctx.services.cases.find(ctx.community.id, ctx.args["case"])
    if found is None:
        return ctx.say("cmd.no_case", case=ctx.args["case"])
    return ctx.say(
        "cmd.case",
        case=found.number,
        decision=found.decision,
        user=found.user_name,
        actor=found.actor_name or found.actor,
        when=f"{found.created_at:%Y-%m-%d %H:%M}",
        reason=found.reason or "-",
        rules=", ".join(found.rules) or "-",
    )


async def reason(ctx: Context) -> Response:
    found = await ctx.services.cases.find(ctx.community.id, ctx.args["case"])
    if found is None:
        return ctx.say("cmd.no_case", case=ctx.args["case"])
    text = str(ctx.args["reason"]).strip()[:500]
    await ctx.services.cases.amend(found.id, ctx.actor.user_id, ctx.actor.name, text, ctx.now)
    return ctx.say("cmd.reasoned", case=found.number, reason=text)


async def history(ctx: Context) -> Response:
    target = ctx.target
    people = ctx.services.people
    person = await people.person(ctx.community.id, target.platform, target.user_id)
    accounts = await people.accounts(ctx.community.id, person)
    cases = await ctx.services.cases.history(
        ctx.community.id, [(a.platform, a.user_id) for a in accounts]
    )
    strikes = sum(c.strike_active for c in cases)
    lines = [ctx.texts("cmd.history", user=target.user_name, count=len(cases), strikes=strikes)]
    for found in cases:
        lines.append(
            ctx.texts(
                "cmd.history_item",
                case=found.number,
                when=f"{found.created_at:%Y-%m-%d}",
                decision=found.decision,
                rules=", ".join(found.rules) or "-",
                reason=found.reason or "",
            )
        )
    return Response("\n".join(lines))


async def pardon(ctx: Context) -> Response:
    found = await ctx.services.cases.find(ctx.community.id, ctx.args["case"])
    if found is None:
        return ctx.say("cmd.no_case", case=ctx.args["case"])
    if not await ctx.services.people.pardon(found.id, ctx.actor.user_id, ctx.now):
        return ctx.say("cmd.no_strike", case=found.number)
    if found.actor == "auto":
        ctx.services.metrics.overturned(ctx.community.id, found.platform, ctx.now, found.rules)
    person = await ctx.services.people.person(ctx.community.id, found.platform, found.user_id)
    window = max((s.within for s in ctx.services.config.strikes.ladder), default=None)
    since = ctx.now - window if window else found.created_at
    left = await ctx.services.people.active_strikes(ctx.community.id, person, since)
    return ctx.say("cmd.pardoned", case=found.number, user=found.user_name, strikes=left)


async def queue(ctx: Context) -> Response:
    open_ones = await ctx.services.escalations.store.open_ones(ctx.community.id)
    if not open_ones:
        return ctx.say("escalation.queue_empty")
    lines = [
        ctx.texts(
            "escalation.queue_item",
            id=esc.id,
            user=esc.user_name,
            reason=esc.reason,
            deadline=f"{esc.deadline:%Y-%m-%d %H:%M}",
        )
        + "  ["
        + ", ".join(verdict_label(ctx.texts, v) for v in esc.options)
        + "]"
        for esc in open_ones
    ]
    return Response("\n".join(lines))


COMMANDS = (
    Command("case", case, (CASE,)),
    Command("reason", reason, (CASE, Option("reason", "text", required=True))),
    Command("history", history, (Option("member", "member", required=True),), absent_ok=True),
    Command("pardon", pardon, (CASE,)),
    Command("queue", queue),
)
