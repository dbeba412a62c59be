"""The cards of the partners' vote screens, kept in memory between full runs of the page.

During the vote the items do not change, only dots do; yet every « Actualiser », every change of
topic, view or page read the topic's cards again. They are kept here under the topic's
`cards_version`, which the database changes at every write that could change a card (triggers
of migration 0009, in every process): cards kept under a version are the cards of that version.
A participant's own dots are never kept, they are read at every run.

Each process keeps its own copy, bounded (the least recently used screen goes first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")

# A screen is about twenty cards: 4,096 of them are a few megabytes.
SCREENS_KEPT = 4096


class BoundedCache(Generic[Value]):
    """At most `size` values, the least recently used one dropped first; safe across threads
    (each partner's page runs in its own)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
