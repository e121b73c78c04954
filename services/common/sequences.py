"""Sequence numbers drawn from the store a block at a time while they are drawn fast.

Drawing a number is a round trip to the store, on the path of every submission. When a
sequence's last block lasted less than ``fast_seconds``, the next reservation is twice
as large (up to ``largest``); one that lasted up to twice that is reserved again at the
same size, so a steady load draws from the store once a block (issue 30: a block that
lasted a little over the second had sent the size back to one, and a sequence drawn at
a steady 25 a second reserved six times per 63 numbers instead of once per 32); one
that lasted longer is halved, and after a pause of ``quiet_seconds`` a sequence goes
back to one number at a time, so a quiet station's request codes stay consecutive. Numbers reserved by a process that
stops before drawing them are never used: what is drawn stays unique, with gaps. With
several replicas, each draws from its own blocks, so numbers are not in time order.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider


class SequenceBlocks:
    def __init__(self, fast_seconds: float = 1.0, largest: int = 32, quiet_seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.fast_seconds = fast_seconds
        self.quiet_seconds = quiet_seconds
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
            size = 1 if block is None else self._next_size(block[2], now - block[3])
        last = store.next_sequence(name, count=size)  # not under the lock: a round trip
        first = last - size + 1
        with self._lock:
            # The first is this caller's; the rest are for the next ones. (Should two
            # callers have reserved at once, the numbers left of the other go unused.)
            self._blocks[key] = [first + 1, last, size, now]
        return first

    def _next_size(self, size: int, lasted: float) -> int:
        """The next block's size after one of ``size`` that lasted ``lasted`` seconds."""
        if lasted < self.fast_seconds:
            return min(size * 2, self.largest)
        if lasted < 2 * self.fast_seconds:
            return size
        if lasted < self.quiet_seconds:
            return max(size // 2, 1)
        return 1


class SequenceProvider(DependencyProvider):
    """One :class:`SequenceBlocks` for the whole process, injected into every worker."""

    def __init__(self, **options):
        self.blocks = SequenceBlocks(**options)

    def get_dependency(self, worker_ctx):
        return self.blocks
