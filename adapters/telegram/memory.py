"""What the adapter remembers between updates: bounded, in memory, lost on restart."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """A dict that forgets its oldest entries past `size`."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def pop(self, key: K) -> None:
        self._items.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._items


class Memory:
    """Names (to address a warned member), chats seen (each logged once, to help set up),
    join times (a join announced twice, by the service message and by `chat_member`, is one
    join), and update ids already handled (Telegram redelivers a webhook post that failed)."""

    REJOIN = timedelta(minutes=10)

    def __init__(self, size: int = 10_000) -> None:
        self.names: Bounded[int, str] = Bounded(size)
        self.chats: Bounded[int, str] = Bounded(size)
        self.joins: Bounded[tuple[int, int], datetime] = Bounded(size)
        self._updates: Bounded[int, bool] = Bounded(size)

    def first_time(self, update_id: int) -> bool:
        """True once per update id."""
        if update_id in self._updates:
            return False
        self._updates.put(update_id, True)
        return True

    def new_join(self, chat_id: int, user_id: int, at: datetime) -> bool:
        """True unless the same member's join was already announced (and they did not leave)."""
        before = self.joins.get((chat_id, user_id))
        if before is not None and abs(at - before) < self.REJOIN:
            return False
        self.joins.put((chat_id, user_id), at)
        return True

    def left(self, chat_id: int, user_id: int) -> None:
        self.joins.pop((chat_id, user_id))
