"""Rate-limit counters in a dict, with the contract of the gateway's ``MongoCounters``
(tests/integration/test_counters_contract.py runs one suite against both)."""

from services.gateway.adapters.counters import window_of
from services.gateway.domain.throttle import Count


class InMemoryCounters:
    """The same contract in a dict, for unit tests."""

    def __init__(self):
        self.values = {}

    def add(self, key, amount, window, now):
        number, ends = window_of(window, now)
        value, _ = self.values.get((key, number), (0, None))
        self.values[(key, number)] = (value + amount, now)
        return Count(value + amount, now, ends)

    def add_if_unchanged(self, key, amount, window, now, seen):
        number, _ = window_of(window, now)
        value, _ = self.values.get((key, number), (0, None))
        if value != seen:
            return False
        self.values[(key, number)] = (value + amount, now)
        return True

    def read(self, key, window, now):
        number, ends = window_of(window, now)
        value, last_at = self.values.get((key, number), (0, None))
        return Count(value, last_at, ends)

    def clear(self, key, window, now):
        number, _ = window_of(window, now)
        self.values.pop((key, number), None)
