"""Each author's recent messages, for the flood and duplicate rules. Bounded in size."""

from __future__ import annotations

from collections import OrderedDict, deque

from rules.base import Recent

MAX_AUTHORS = 100_000


class RecentWindow:
    """The last messages of each author, per community, for the most recent authors.

    `push` returns what the author posted before (oldest first) and remembers the new one,
    keeping `keep` messages (the most the community's flood and duplicate rules need).
    Authors beyond `max_authors` are forgotten least-recently-seen first.
    """

    def __init__(self, max_authors: int = MAX_AUTHORS) -> None:
        self._max_authors = max_authors
        self._authors: OrderedDict[tuple[str, str], deque[Recent]] = OrderedDict()

    def push(self, community: str, user_id: str, entry: Recent, keep: int) -> tuple[Recent, ...]:
        key = (community, user_id)
        history = self._authors.get(key)
        if history is None or history.maxlen != max(keep, 1):
            history = self._authors[key] = deque(history or (), maxlen=max(keep, 1))
            if len(self._authors) > self._max_authors:
                self._authors.popitem(last=False)
        else:
            self._authors.move_to_end(key)
        before = tuple(history)
        history.append(entry)
        return before

    async def remember(
        self, community: str, user_id: str, entry: Recent, keep: int
    ) -> tuple[Recent, ...]:
        """`push`, as the pipeline calls every window (a shared one waits on Redis)."""
        return self.push(community, user_id, entry, keep)


class MessageLog:
    """The ids of each member's last messages, so `/purge` and `/ban purge` can remove them.
    Bounded: `depth` messages for the `max_members` most recently active members."""

    def __init__(self, depth: int = 100, max_members: int = 10_000) -> None:
        self._depth = depth
        self._max = max_members
        self._members: OrderedDict[tuple[str, str, str], deque[tuple[str, str]]] = OrderedDict()

    def add(
        self, platform: str, chat_id: str, user_id: str, channel_id: str, message_id: str
    ) -> None:
        key = (platform, chat_id, user_id)
        kept = self._members.get(key)
        if kept is None:
            kept = self._members[key] = deque(maxlen=self._depth)
            if len(self._members) > self._max:
                self._members.popitem(last=False)
        else:
            self._members.move_to_end(key)
        kept.append((channel_id, message_id))

    def last(self, platform: str, chat_id: str, user_id: str, count: int) -> list[tuple[str, str]]:
        """Up to `count` (channel, message) ids of the member's latest messages, newest first."""
        kept = self._members.get((platform, chat_id, user_id), ())
        return list(reversed(kept))[:count]
