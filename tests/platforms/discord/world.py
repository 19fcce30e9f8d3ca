"""The fake Discord's state: guilds, roles, members, channels, messages, bans, and Discord's checks.

Ids are real snowflakes, so `created_at` works in discord.py (account age is a user id made
in the past). `World.default()` builds one guild; look objects up by name with `member("alice")`,
`role("Moderator")` and `channel("general")`. Permission and hierarchy rules follow Discord's:
the owner and administrators have every permission, a timed-out member keeps only view and read
history, and nobody acts on a member whose top role is at or above their own.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.platforms.discord import errors

DISCORD_EPOCH_MS = 1420070400000
_increment = itertools.count()

KICK, BAN, ADMINISTRATOR, MANAGE_CHANNELS = 1 << 1, 1 << 2, 1 << 3, 1 << 4
VIEW_AUDIT_LOG, VIEW_CHANNEL, SEND_MESSAGES = 1 << 7, 1 << 10, 1 << 11
MANAGE_MESSAGES, EMBED_LINKS, ATTACH_FILES, READ_HISTORY = 1 << 13, 1 << 14, 1 << 15, 1 << 16
MENTION_EVERYONE, ADD_REACTIONS, MANAGE_ROLES, MODERATE = 1 << 17, 1 << 6, 1 << 28, 1 << 40
ALL_PERMISSIONS = 8866461766385663  # every bit Discord defines today (discord.Permissions.all())
EVERYONE_DEFAULT = VIEW_CHANNEL | SEND_MESSAGES | READ_HISTORY | ADD_REACTIONS | EMBED_LINKS
MODERATOR = KICK | BAN | MODERATE | MANAGE_MESSAGES | VIEW_AUDIT_LOG
BOT_ROLE = MODERATOR | MANAGE_ROLES | EVERYONE_DEFAULT | ATTACH_FILES | MENTION_EVERYONE
MAX_TIMEOUT = timedelta(days=28)


def snowflake(at: datetime | None = None) -> int:
    """A unique snowflake whose timestamp is `at` (default now)."""
    ms = int((at or datetime.now(UTC)).timestamp() * 1000)
    return ((ms - DISCORD_EPOCH_MS) << 22) | (next(_increment) % 4096)


def snowflake_time(value: int) -> datetime:
    return datetime.fromtimestamp(((value >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    accepts_dms: bool = True
    locale: str = "en-US"


@dataclass
class Role:
    id: int
    name: str
    position: int
    permissions: int = 0
    managed: bool = False
    mentionable: bool = False


@dataclass
class Member:
    user: User
    roles: list[int]
    joined_at: datetime
    nick: str | None = None
    timeout_until: datetime | None = None

    @property
    def id(self) -> int:
        return self.user.id

    def timed_out(self) -> bool:
        return self.timeout_until is not None and self.timeout_until > datetime.now(UTC)


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass
class Channel:
    id: int
    name: str
    guild_id: int | None
    type: int = 0  # 0 text, 1 DM
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient: User | None = None


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    bans: dict[int, str | None] = field(default_factory=dict)
    audit_log: list[dict[str, Any]] = field(default_factory=list)
    locale: str = "en-US"

    def member(self, user_id: int) -> Member:
        if user_id not in self.members:
            raise errors.unknown("member")
        return self.members[user_id]

    def role(self, role_id: int) -> Role:
        if role_id not in self.roles:
            raise errors.unknown("role")
        return self.roles[role_id]

    def top_position(self, member: Member) -> int:
        return max((self.roles[r].position for r in member.roles if r in self.roles), default=0)

    def base_permissions(self, member: Member) -> int:
        if member.id == self.owner_id:
            return ALL_PERMISSIONS
        value = self.roles[self.id].permissions
        for role_id in member.roles:
            value |= self.roles[role_id].permissions if role_id in self.roles else 0
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def permissions_in(self, member: Member, channel: Channel) -> int:
        """Resolved channel permissions, overwrites and timeout applied (Discord's algorithm)."""
        value = self.base_permissions(member)
        if value & ADMINISTRATOR or member.id == self.owner_id:
            return ALL_PERMISSIONS
        by_id = {o.id: o for o in channel.overwrites}
        if self.id in by_id:
            value = (value & ~by_id[self.id].deny) | by_id[self.id].allow
        allow = deny = 0
        for role_id in member.roles:
            if role_id in by_id and by_id[role_id].type == 0:
                allow, deny = allow | by_id[role_id].allow, deny | by_id[role_id].deny
        value = (value & ~deny) | allow
        if member.id in by_id and by_id[member.id].type == 1:
            value = (value & ~by_id[member.id].deny) | by_id[member.id].allow
        if not value & VIEW_CHANNEL:
            return 0  # a channel you cannot see grants nothing
        if member.timed_out():
            value &= VIEW_CHANNEL | READ_HISTORY
        return value

    def require(self, actor: Member, permission: int, target: Member | None = None) -> None:
        """403 50013 unless `actor` has `permission` and outranks `target` (Discord's rule)."""
        if not self.base_permissions(actor) & permission:
            raise errors.missing_permissions()
        if target is not None and not self.outranks(actor, target):
            raise errors.missing_permissions()

    def outranks(self, actor: Member, target: Member) -> bool:
        if target.id == self.owner_id:
            return False
        return actor.id == self.owner_id or self.top_position(actor) > self.top_position(target)


@dataclass
class World:
    """Everything the fake Discord knows; REST handlers and test helpers both mutate it."""

    token: str
    bot: User
    app_id: int
    guilds: dict[int, Guild] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    dms: dict[int, Channel] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    commands: dict[int | None, list[dict[str, Any]]] = field(default_factory=dict)
    enabled_intents: int = (1 << 1) | (1 << 15)  # members and message content, as in the portal

    @classmethod
    def default(cls, token: str = "fake-bot-token") -> World:
        """One guild: owner and admin (Admin, above the bot), the bot, a moderator, alice, bob."""
        bot = User(snowflake(datetime(2024, 1, 1, tzinfo=UTC)), "modbot", bot=True)
        world = cls(token=token, bot=bot, app_id=bot.id)
        owner = world.add_user("owner", age=timedelta(days=2000))
        guild = Guild(snowflake(datetime(2025, 1, 1, tzinfo=UTC)), "Test Guild", owner.id)
        world.guilds[guild.id] = guild
        for position, (name, perms, managed) in enumerate(
            [
                ("@everyone", EVERYONE_DEFAULT, False),
                ("Member", 0, False),
                ("Moderator", MODERATOR, False),
                ("modbot", BOT_ROLE, True),
                ("Admin", ADMINISTRATOR, False),
            ]
        ):
            role_id = guild.id if position == 0 else snowflake()
            guild.roles[role_id] = Role(role_id, name, position, perms, managed)
        mod, bot_role = world.role("Moderator"), world.role("modbot")
        for name in ("general", "welcome", "rules", "mod-log"):
            world.add_channel(name)
        world.channel("mod-log").overwrites = [
            Overwrite(guild.id, 0, deny=VIEW_CHANNEL),
            Overwrite(mod.id, 0, allow=VIEW_CHANNEL | SEND_MESSAGES),
            Overwrite(bot_role.id, 0, allow=VIEW_CHANNEL | SEND_MESSAGES),
        ]
        world.users[bot.id] = bot
        world.add_member(owner, "Admin")
        world.add_member(bot, "modbot")
        world.add_member(world.add_user("admin", age=timedelta(days=900)), "Admin")
        world.add_member(world.add_user("mod", age=timedelta(days=800)), "Member", "Moderator")
        for name in ("alice", "bob"):
            world.add_member(world.add_user(name, age=timedelta(days=400)), "Member")
        return world

    @property
    def guild(self) -> Guild:
        return next(iter(self.guilds.values()))

    def add_user(self, username: str, *, age: timedelta = timedelta(days=365)) -> User:
        user = User(snowflake(datetime.now(UTC) - age), username)
        self.users[user.id] = user
        return user

    def add_member(self, user: User, *role_names: str, guild: Guild | None = None) -> Member:
        guild = guild or self.guild
        roles = [self.role(name, guild).id for name in role_names]
        member = Member(user, roles, datetime.now(UTC))
        guild.members[user.id] = member
        return member

    def add_channel(self, name: str, guild: Guild | None = None) -> Channel:
        guild = guild or self.guild
        channel = Channel(snowflake(), name, guild.id, position=len(guild.channels))
        guild.channels[channel.id] = channel
        return channel

    def member(self, username: str, guild: Guild | None = None) -> Member:
        members = (guild or self.guild).members.values()
        return _named({m.user.username: m for m in members}, username, "member")

    def role(self, name: str, guild: Guild | None = None) -> Role:
        return _named({r.name: r for r in (guild or self.guild).roles.values()}, name, "role")

    def channel(self, name: str, guild: Guild | None = None) -> Channel:
        channels = (guild or self.guild).channels.values()
        return _named({c.name: c for c in channels}, name, "channel")

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot.id]

    def find_guild(self, guild_id: int) -> Guild:
        if guild_id not in self.guilds:
            raise errors.unknown("guild")
        return self.guilds[guild_id]

    def find_channel(self, channel_id: int) -> Channel:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        for channel in self.dms.values():
            if channel.id == channel_id:
                return channel
        raise errors.unknown("channel")

    def find_message(self, channel_id: int, message_id: int) -> dict[str, Any]:
        message = self.messages.get(message_id)
        if message is None or int(message["channel_id"]) != channel_id:
            raise errors.unknown("message")
        return message

    def find_user(self, user_id: int) -> User:
        if user_id not in self.users:
            raise errors.unknown("user")
        return self.users[user_id]


def _named(items: dict[str, Any], name: str, kind: str) -> Any:
    if name not in items:
        raise LookupError(f"no {kind} named {name!r} (have {sorted(items)})")
    return items[name]
