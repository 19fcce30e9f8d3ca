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
