"""Each author's recent messages, for the flood and duplicate rules. Bounded in size."""

from __future__ import annotations

from collections import OrderedDict, deque

from rules.base import Recent

MAX_AUTHORS = 100_000


class RecentWindow:
    """The last `size` messages of each author, per community, for the most recent authors.

    `push` returns what the author posted before (oldest first) and remembers the new one.
    Authors beyond `max_authors` are forgotten least-recently-seen first.
    """

    def __init__(self, size: int, max_authors: int = MAX_AUTHORS) -> None:
        self._size = max(size, 1)
        self._max_authors = max_authors
        self._authors: OrderedDict[tuple[str, str], deque[Recent]] = OrderedDict()

    def push(self, community: str, user_id: str, entry: Recent) -> tuple[Recent, ...]:
        key = (community, user_id)
        history = self._authors.get(key)
        if history is None:
            history = self._authors[key] = deque(maxlen=self._size)
            if len(self._authors) > self._max_authors:
                self._authors.popitem(last=False)
        else:
            self._authors.move_to_end(key)
        before = tuple(history)
        history.append(entry)
        return before
