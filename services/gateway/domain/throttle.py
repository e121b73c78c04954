"""How much the public may ask before it is told to wait (HTTP 429), as pure rules.

Two kinds of limit, both counted over fixed windows of time:

* a **budget**: at most ``limit`` points per ``window`` seconds. Public lookups (tracking
  by code and phone, a document of one's request, verification of a document number)
  spend 1 point each and ``FAILED_LOOKUP_COST`` more when nothing matched, so a client
  guessing codes or phones runs dry fast while one reading its own requests hardly
  notices. One asker (a client address, or a signed-in account) may give only
  ``FAILED_LOOKUPS_PER_SUBJECT.limit`` wrong phones for one request code per window. The
  count is the asker's own: someone who knows a code cannot make its tracking wait for
  anybody else, and a signed-in enterprise is counted by its account, never by an
  address it shares.
* a **back-off** on sign-in: after ``threshold`` failures each further attempt must wait
  twice as long as the one before, from ``base`` seconds up to ``cap``; even the right
  password is refused until then. Failures are counted for an account and the address
  together (``FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT``), and, only for an address that never
  signed in to that account, for the account from every address (slows guessing from
  many addresses) and for the address towards every account (slows one address trying
  many usernames). So strangers' failures never refuse an owner where it has signed in
  before, and one person's typos behind an office's shared address lock out only their
  own account there. Each attempt is counted *before* its password is checked, by an
  update that succeeds only over the count it saw (:func:`login_bounds`, the throttle in
  ``handlers/throttling.py``): parallel attempts cannot all read "no failures yet".
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
# an enterprise's online registration costs a password hash: a few per client and hour
REGISTRATIONS_PER_CLIENT = Budget("register-client", limit=10, window=3600)
# sign-in: one account from one address; one account from addresses that never signed in
# to it; one address towards accounts that never signed in from it
FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT = Backoff("login-pair", threshold=5, base=30, cap=900, window=3600)
FAILED_LOGINS_PER_ACCOUNT = Backoff("login-account", threshold=10, base=30, cap=900, window=3600)
UPLOADS_PER_CLIENT = Budget("upload-client", limit=120, window=600)
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


def login_bounds(known_address: bool) -> tuple[Backoff, ...]:
    """The back-offs a sign-in attempt counts against: the account with this address
    always; the account from anywhere and the address towards any account only when the
    account never signed in from this address."""
    if known_address:
        return (FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT,)
    return (FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT, FAILED_LOGINS_PER_ACCOUNT, FAILED_LOGINS_PER_CLIENT)
