"""Everything the core is made of, built once from the config and shared by its parts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from adapters.base import Adapter
from bot.alerts import Alerts
from bot.backlog import Backlog
from bot.classifier import BatchingClassifier
from bot.commands.spec import Command
from bot.config import Config
from bot.enforce import Enforcer
from bot.escalation import Escalations
from bot.executor import Executor
from bot.faq import Faq
from bot.messenger import Messenger
from bot.metrics import Metrics
from bot.pipeline import Pipeline
from bot.reports import Reports
from bot.shared_window import SharedWindow
from bot.welcome import Welcome
from bot.window import MessageLog
from storage.action_queue import ActionQueue
from storage.audit import AuditLog
from storage.cases import Cases
from storage.db import Database
from storage.escalations import EscalationStore
from storage.faqs import FaqStore
from storage.gates import GateStore
from storage.people import People

Reload = Callable[[], Awaitable[tuple[str | None, str]]]


async def _no_reload() -> tuple[str | None, str]:
    return "this bot was started without a config file to reload", ""


@dataclass
class Services:
    config: Config
    clock: Callable[[], datetime]
    audit: AuditLog
    executor: Executor
    enforcer: Enforcer
    people: People
    cases: Cases
    metrics: Metrics
    messenger: Messenger
    escalations: Escalations
    reports: Reports
    faq: Faq
    welcome: Welcome
    pipeline: Pipeline
    commands: Mapping[str, Command]
    alerts: Alerts
    messages: MessageLog = field(default_factory=MessageLog)
    backlog: Backlog = field(default_factory=Backlog)
    reload: Reload = _no_reload

    def reconfigure(self, config: Config) -> None:
        """Swap in a new config everywhere it is read."""
        self.config = config
        parts = (self.enforcer, self.escalations, self.reports, self.faq, self.welcome, self.alerts)
        for part in parts:
            part.config = config
        self.pipeline.reconfigure(config)


def build_services(
    config: Config,
    db: Database,
    adapters: Mapping[str, Adapter],
    clock: Callable[[], datetime],
    classifier: BatchingClassifier | None = None,
    worker: str = "main",
    window: SharedWindow | None = None,
) -> Services:
    """Build the core's parts. `worker` names this process among those sharing the database
    (each claims the actions it applies under its name); `window` shares the flood and
    duplicate windows with them (otherwise they are this process's own)."""
    from bot.commands import COMMANDS

    audit = AuditLog(db, worker)
    people = People(db)
    executor = Executor(ActionQueue(db, worker), adapters, clock)
    enforcer = Enforcer(config, audit, executor, clock)
    metrics = Metrics(db, clock)
    messenger = Messenger(adapters)
    alerts = Alerts(config, messenger, clock)
    executor.on_denied = alerts.denied
    escalations = Escalations(config, EscalationStore(db), enforcer, messenger, metrics, clock)
    return Services(
        config=config,
        clock=clock,
        audit=audit,
        executor=executor,
        enforcer=enforcer,
        people=people,
        cases=Cases(db),
        metrics=metrics,
        messenger=messenger,
        escalations=escalations,
        reports=Reports(config, escalations, enforcer),
        faq=Faq(config, FaqStore(db), clock),
        welcome=Welcome(config, GateStore(db), enforcer, messenger, metrics, clock),
        pipeline=Pipeline(
            config, clock=clock, classifier=classifier, enforcer=enforcer, window=window
        ),
        commands=COMMANDS,
        alerts=alerts,
    )
