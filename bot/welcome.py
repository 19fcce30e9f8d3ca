"""Welcome newcomers in the community's language, and gate them until they verify."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from bot.actions import ActionKind, Button, Decision, Posted, Reply, Response, Sanction, Target
from bot.config import CommunityConfig, Config
from bot.enforce import Enforcement, Enforcer, community_texts
from bot.events import Join, Verification
from bot.messenger import Messenger
from bot.metrics import Metrics
from storage.gates import EXPIRED, PASSED, GateStore

log = logging.getLogger(__name__)
GATE_ACTOR = "gate"


class Welcome:
    """On join: count it, greet (cleaning up the previous greeting), and with a gate,
    restrict the newcomer until they press the button or pick the right answer in time.
    A newcomer who lets the deadline pass is kicked or kept restricted, as configured."""

    def __init__(
        self,
        config: Config,
        gates: GateStore,
        enforcer: Enforcer,
        messenger: Messenger,
        metrics: Metrics,
        clock: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.gates = gates
        self._enforcer = enforcer
        self._messenger = messenger
        self._metrics = metrics
        self._clock = clock
        self._previous: dict[tuple[str, str], Posted] = {}

    async def on_join(self, join: Join) -> None:
        member = join.member
        community = self.config.community_for(member.platform, member.community_id)
        await self._metrics.joined(community.id, member.platform, member.user_id, join.at)
        settings = self.config.welcome
        if not settings.enabled or member.is_bot:
            return
        texts = community_texts(self.config, community)
        count = join.member_count if join.member_count is not None else "?"
        body = texts(
            "welcome.greeting",
            community=community.name or community.id,
            user=member.name,
            rules="/rules",
            member_count=count,
        )
        buttons: tuple[Button, ...] = ()
        minutes = max(1, int(settings.gate_time.total_seconds() // 60))
        if settings.gate != "none":
            await self._restrict(join, community)
            if settings.gate == "button":
                body += "\n" + texts("welcome.gate_button", minutes=minutes)
                buttons = (Button(texts("welcome.button"), "gate:ok"),)
            else:
                assert settings.question is not None
                question = settings.question(texts.language)
                body += "\n" + texts("welcome.gate_question", minutes=minutes, question=question)
                buttons = tuple(
                    Button(choice, f"gate:{i}") for i, choice in enumerate(settings.choices)
                )
        reply = Reply(
            member.platform,
            member.community_id,
            join.channel_id or member.community_id,
            body,
            mention_user_id=member.user_id,
            delete_after=settings.delete_after,
            buttons=buttons,
        )
        chat = (member.platform, member.community_id)
        previous = self._previous.pop(chat, None)
        if previous is not None and settings.cleanup_previous:
            await self._messenger.retract(previous)
        posted = await self._messenger.send(reply)
        if posted is not None:
            self._previous[chat] = posted

    async def _restrict(self, join: Join, community: CommunityConfig) -> None:
        member = join.member
        now = self._clock()
        deadline = now + self.config.welcome.gate_time
        await self.gates.open(
            community.id,
            member.platform,
            member.community_id,
            member.user_id,
            deadline,
            now,
        )
        target = Target(member.platform, member.community_id, member.user_id, member.name)
        joined = f"{join.at:%Y%m%d%H%M%S%f}"
        origin = f"gate:{member.platform}:{member.community_id}:{member.user_id}:{joined}"
        restrict = target.action(ActionKind.RESTRICT, origin, "welcome gate", until=deadline)
        await self._enforcer.enforce(
            Enforcement(
                community=community,
                target=target,
                decision=Decision(),
                origin=origin,
                actor=GATE_ACTOR,
                reason="welcome gate",
                strike=False,
                label="restrict",
                extra=(restrict,),
            )
        )

    async def on_verify(self, verification: Verification) -> Response:
        member = verification.member
        community = self.config.community_for(member.platform, member.community_id)
        texts = community_texts(self.config, community)
        gate = await self.gates.pending(member.platform, member.community_id, member.user_id)
        if gate is None:
            return Response(texts("welcome.not_pending"))
        settings = self.config.welcome
        if settings.gate == "question":
            chosen = verification.answer.removeprefix("gate:")
            answer_index = str(settings.choices.index(settings.answer)) if settings.answer else ""
            if chosen not in (answer_index, settings.answer):
                return Response(texts("welcome.wrong"))
        if not await self.gates.close(gate.id, PASSED, verification.at):
            return Response(texts("welcome.not_pending"))
        target = Target(member.platform, member.community_id, member.user_id, member.name)
        origin = f"gate-pass:{gate.id}"
        lift = target.action(ActionKind.UNRESTRICT, origin, "welcome gate passed")
        await self._enforcer.enforce(
            Enforcement(
                community=community,
                target=target,
                decision=Decision(),
                origin=origin,
                actor=GATE_ACTOR,
                reason="welcome gate passed",
                strike=False,
                label="unrestrict",
                extra=(lift,),
            )
        )
        return Response(texts("welcome.passed", user=member.name), private=False)

    async def expire_due(self) -> int:
        """Handle newcomers who let the gate's deadline pass; returns how many."""
        done = 0
        for gate in await self.gates.due(self._clock()):
            if not await self.gates.close(gate.id, EXPIRED, self._clock()):
                continue
            done += 1
            if self.config.welcome.on_gate_timeout != "kick":
                continue
            community = self.config.community_for(gate.platform, gate.chat_id)
            target = Target(gate.platform, gate.chat_id, gate.user_id, gate.user_id)
            await self._enforcer.enforce(
                Enforcement(
                    community=community,
                    target=target,
                    decision=Decision(sanction=Sanction.KICK),
                    origin=f"gate-expired:{gate.id}",
                    actor=GATE_ACTOR,
                    reason="did not pass the welcome gate in time",
                    strike=False,
                    tell=False,
                )
            )
        return done

    async def run(self, stop: asyncio.Event, every: float = 5.0) -> None:
        while not stop.is_set():
            try:
                await self.expire_due()
            except Exception:  # noqa: BLE001
                log.exception("expiring welcome gates failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except TimeoutError:
                pass
