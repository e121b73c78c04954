"""Token buckets, as pure rules: at most ``rate`` a minute on average, and a burst of at
most ``capacity`` at once, per key (issue 26 §2: submissions per client).

Kept in the memory of one process (``handlers/intake_limits.py`` says why): ``now`` is
given by the caller, a monotonic clock in seconds.
"""

import math
from dataclasses import dataclass


@dataclass
class Bucket:
    tokens: float
    at: float  # when ``tokens`` was counted


class TokenBuckets:
    """A bucket per key, full when first seen. At most ``max_keys`` buckets are kept: past
    that, the full ones (keys not seen for a while, which a new bucket would equal) are
    dropped first, then the longest unseen, so memory stays bounded whatever the keys."""

    def __init__(self, rate_per_minute: float, capacity: float | None = None, max_keys: int = 100_000) -> None:
        if rate_per_minute <= 0:
            raise ValueError("a rate is more than nothing a minute")
        self.per_second = rate_per_minute / 60
        self.capacity = capacity if capacity is not None else rate_per_minute
        self.max_keys = max_keys
        self.buckets: dict[str, Bucket] = {}

    def take(self, key: str, now: float) -> float:
        """Take a token for ``key``: 0 if there was one, else the seconds until there is."""
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.max_keys:
                self._make_room(now)
            bucket = self.buckets[key] = Bucket(self.capacity, now)
        else:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.per_second)
            bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.per_second

    def _make_room(self, now: float) -> None:
        refill = self.capacity / self.per_second  # seconds in which any bucket fills up
        full = [key for key, bucket in self.buckets.items() if now - bucket.at >= refill]
        for key in full:
            del self.buckets[key]
        if len(self.buckets) >= self.max_keys:
            by_age = sorted(self.buckets, key=lambda key: self.buckets[key].at)
            for key in by_age[:max(1, math.ceil(len(by_age) / 10))]:
                del self.buckets[key]
