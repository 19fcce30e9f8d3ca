"""The moderators' `health` command: the community's figures over the last few days."""

from __future__ import annotations

from datetime import UTC

from bot.actions import Response
from bot.commands.spec import Command, Context, Option
from bot.health import summary
from storage.health import Scope, Window, health_report

DEFAULT_DAYS = 7


async def health(ctx: Context) -> Response:
    """A short summary of the last `days` days (today included), every platform of the
    community. Counts still in memory are written first, so the figures are current."""
    days = int(ctx.args.get("days") or DEFAULT_DAYS)
    metrics = ctx.services.metrics
    await metrics.flush()
    window = Window.ending(ctx.now.astimezone(UTC).date(), days)
    report = await health_report(metrics.db, window, Scope(ctx.community.id))
    return Response(summary(ctx.texts, report))


COMMANDS = (Command("health", health, (Option("days", "integer", maximum=365),)),)
