"""How many submissions one client may make (issue 26 §2): 300 anonymous submissions from
one address in 9 s were all accepted before this.

Each client address has a bucket of ``INTAKE_RATE_PER_MINUTE`` submissions that refills
at that rate; a signed-in account has its own, of ``INTAKE_RATE_PER_MINUTE_SIGNED_IN``
(an enterprise's office behind one address is not held to the anonymous rate). Over it,
the answer is 429 with ``Retry-After``.

The buckets are kept in each gateway process's memory, not in the store: intake's speed
is measured against a floor of at most two store writes per submission (issue 30), and a
shared counter would add a third to every one. The price is that the limit is per
process: with N gateway replicas behind a balancer a client gets up to N times the rate
(set it accordingly), and a restarted process starts with full buckets. The fault suite,
the benchmark and the end-to-end tests raise the rates through the same settings.
"""

import time
from collections.abc import Callable

from ..domain.access import Principal
from ..domain.throttle import TooManyRequests
from ..domain.token_bucket import TokenBuckets


class IntakeLimits:
    def __init__(self, anonymous_per_minute: float, signed_in_per_minute: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.anonymous = TokenBuckets(anonymous_per_minute)
        self.signed_in = TokenBuckets(signed_in_per_minute)
        self.clock = clock

    def admit(self, client: str, principal: Principal | None) -> None:
        """Count one submission of this client (the signed-in account, if any, else its
        address); TooManyRequests if it is over its rate."""
        if principal is not None:
            wait = self.signed_in.take(principal.username, self.clock())
        else:
            wait = self.anonymous.take(client, self.clock())
        if wait > 0:
            raise TooManyRequests("too_many_submissions", wait)
