"""How much the public may ask before it is told to wait (HTTP 429), as pure rules.

Two kinds of limit, both counted over fixed windows of time:

* a **budget**: at most ``limit`` points per ``window`` seconds. Public lookups (tracking
  by code and phone, an enterprise's instrument file by credit code and phone,
  verification of a document number) spend 1 point each and ``FAILED_LOOKUP_COST`` more
  when nothing matched, so a client guessing codes or phones runs dry fast while one
  reading its own requests hardly notices. One request code (or credit code) may see
  only ``FAILED_LOOKUPS_PER_SUBJECT.limit`` wrong phones per window, from all clients
  together: that stops guessing the phone of a known code from many addresses. The
  price is that someone who knows a code can make its tracking wait for the rest of the
  window; signing in as the enterprise is not limited that way.
* a **back-off** on sign-in: after ``threshold`` failures (per username, and per client
  with a higher threshold) each further attempt must wait twice as long as the one
  before, from ``base`` seconds up to ``cap``; even the right password is refused until
  then. A successful sign-in clears the username's failures.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    scope: str
    limit: int  # points per window
    window: int  # seconds


@dataclass(frozen=True)
class Backoff:
    scope: str
    threshold: int  # failures allowed before waiting starts
    base: int  # seconds to wait after the threshold-th failure
    cap: int  # longest wait, seconds
    window: int  # failures are forgotten when their window ends

    def delay(self, failures: int) -> int:
        """Seconds an attempt must wait after the last of ``failures`` failures."""
        if failures < self.threshold:
            return 0
        doubled: int = self.base * 2 ** (failures - self.threshold)  # int: the power is never negative here
        return min(self.cap, doubled)


FAILED_LOOKUP_COST = 10
LOOKUPS_PER_CLIENT = Budget("lookup-client", limit=300, window=600)
FAILED_LOOKUPS_PER_SUBJECT = Budget("lookup-subject", limit=10, window=3600)
VERIFICATIONS_PER_CLIENT = Budget("verify-client", limit=300, window=600)
UPLOADS_PER_CLIENT = Budget("upload-client", limit=120, window=600)
FAILED_LOGINS_PER_USERNAME = Backoff("login-user", threshold=5, base=30, cap=900, window=3600)
FAILED_LOGINS_PER_CLIENT = Backoff("login-client", threshold=20, base=30, cap=900, window=3600)


class TooManyRequests(Exception):
    """Over a limit: answer 429 and say when to come back."""

    def __init__(self, code: str, retry_after: float) -> None:
        super().__init__(code)
        self.code = code  # the message key
        self.retry_after = max(1, math.ceil(retry_after))


@dataclass(frozen=True)
class Count:
    """A counter's state in the current window."""

    value: int
    last_at: float | None  # when it was last added to (epoch seconds)
    window_ends: float


def budget_exceeded(budget: Budget, count: Count, now: float) -> TooManyRequests | None:
    """A TooManyRequests if the count is over the budget, else None."""
    if count.value > budget.limit:
        return TooManyRequests("too_many_requests", count.window_ends - now)
    return None


def backoff_wait(backoff: Backoff, count: Count, now: float) -> float:
    """Seconds still to wait before the next attempt (0: go ahead)."""
    if count.last_at is None:
        return 0
    return max(0.0, count.last_at + backoff.delay(count.value) - now)
