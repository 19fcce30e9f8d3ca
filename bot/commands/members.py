"""Commands for everyone: rules, report, help, link. And the moderators' faq and reload."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from bot.actions import Response
from bot.commands.spec import Command, Context, Option
from bot.events import Report
from storage.faqs import FaqEntryView

LINK_CODE_TTL = timedelta(minutes=10)
_SPLIT = re.compile(r"\s*[,;|]\s*")


async def rules(ctx: Context) -> Response:
    language = ctx.texts.language
    lines = [ctx.texts("members.rules_header", community=ctx.community.name or ctx.community.id)]
    for number, guideline in enumerate(ctx.services.config.guidelines, 1):
        lines.append(
            ctx.texts(
                "members.rules_item",
                number=number,
                title=guideline.title(language),
                text=guideline.text(language),
            )
        )
    return Response("\n".join(lines), private=False)


async def report(ctx: Context) -> Response:
    message = ctx.invocation.message
    if message is None:
        return ctx.say("members.report_needs_message")
    reason = str(ctx.args.get("reason") or "")
    return await ctx.services.reports.report(Report(message, ctx.actor, reason, ctx.now))


async def help_(ctx: Context) -> Response:
    text = ctx.texts("members.help")
    if ctx.actor.is_moderator:
        names = sorted(c.name for c in ctx.services.commands.values() if c.moderator)
        text += "\n" + ctx.texts(
            "members.help_moderator", commands=", ".join(f"/{n}" for n in names)
        )
    return Response(text)


async def link(ctx: Context) -> Response:
    people = ctx.services.people
    code = str(ctx.args.get("code") or "").strip().upper()
    actor = ctx.actor
    if not code:
        code = secrets.token_hex(3).upper()
        await people.new_link_code(
            code, ctx.community.id, actor.platform, actor.user_id, ctx.now + LINK_CODE_TTL
        )
        minutes = int(LINK_CODE_TTL.total_seconds() // 60)
        return ctx.say("members.link_code", code=code, minutes=minutes)
    if await people.redeem(code, ctx.community.id, actor.platform, actor.user_id, ctx.now):
        return ctx.say("members.linked", community=ctx.community.name or ctx.community.id)
    return ctx.say("members.link_bad")


async def faq(ctx: Context) -> Response:
    action = str(ctx.args.get("action") or "list").lower()
    name = str(ctx.args.get("name") or "").strip().lower()
    store, community = ctx.services.faq.store, ctx.community.id
    if action == "list" or not name:
        entries = await store.entries(community)
        if not entries:
            return ctx.say("faq.empty")
        return Response(
            "\n".join(
                ctx.texts("faq.item", name=e.name, triggers=", ".join((*e.keywords, *e.phrases)))
                for e in entries
            )
        )
    if action == "remove":
        removed = await store.remove(community, name)
        ctx.services.faq.forget(community)
        return ctx.say("faq.removed" if removed else "faq.unknown", name=name)
    triggers = tuple(t for t in _SPLIT.split(str(ctx.args.get("triggers") or "")) if t)
    answer = str(ctx.args.get("answer") or "").strip()
    if not triggers or not answer:
        return ctx.say("authz.bad_option", command="faq", option="triggers/answer", problem="-")
    entry = FaqEntryView(
        name, (), triggers, (), answer, str(ctx.args.get("answer_id") or answer).strip()
    )
    await store.save(community, entry, ctx.actor.user_id, ctx.now)
    ctx.services.faq.forget(community)
    return ctx.say("faq.added", name=name)


async def reload(ctx: Context) -> Response:
    problem, version = await ctx.services.reload()
    if problem:
        return ctx.say("cmd.reload_failed", errors=problem)
    return ctx.say("cmd.reloaded", version=version)


COMMANDS = (
    Command("rules", rules, moderator=False),
    Command("report", report, (Option("reason", "text"),), moderator=False),
    Command("help", help_, moderator=False),
    Command("link", link, (Option("code", "word"),), moderator=False),
    Command(
        "faq",
        faq,
        (
            Option("action", "word"),
            Option("name", "word"),
            Option("triggers", "text"),
            Option("answer", "text"),
            Option("answer_id", "text"),
        ),
    ),
    Command("reload", reload),
)
