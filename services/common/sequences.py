"""Sequence numbers drawn from the store a block at a time while they are drawn fast.

Drawing a number is a round trip to the store, on the path of every submission. When a
sequence's last block lasted less than ``fast_seconds``, the next reservation is twice
as large (up to ``largest``); a sequence drawn slowly goes back to one number at a time,
so a quiet station's request codes stay consecutive. Numbers reserved by a process that
stops before drawing them are never used: what is drawn stays unique, with gaps. With
several replicas, each draws from its own blocks, so numbers are not in time order.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider


class SequenceBlocks:
    def __init__(self, fast_seconds: float = 1.0, largest: int = 32,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.fast_seconds = fast_seconds
        self.largest = largest
        self.clock = clock
        self._blocks = {}  # (store's sequences, name) -> [next, last, size, reserved at]
        self._lock = threading.Lock()

    def draw(self, store: Any, name: str) -> int:
        key = (store.sequence_space, name)
        with self._lock:
            block = self._blocks.get(key)
            if block is not None and block[0] <= block[1]:
                block[0] += 1
                return block[0] - 1
            now = self.clock()
            burst = block is not None and now - block[3] < self.fast_seconds
            size = min(block[2] * 2, self.largest) if burst else 1
        last = store.next_sequence(name, count=size)  # not under the lock: a round trip
        first = last - size + 1
        with self._lock:
            # The first is this caller's; the rest are for the next ones. (Should two
            # callers have reserved at once, the numbers left of the other go unused.)
            self._blocks[key] = [first + 1, last, size, now]
        return first


class SequenceProvider(DependencyProvider):
    """One :class:`SequenceBlocks` for the whole process, injected into every worker."""

    def __init__(self, **options):
        self.blocks = SequenceBlocks(**options)

    def get_dependency(self, worker_ctx):
        return self.blocks
