"""Which credit codes have a verified enterprise account, known to each gateway process
without a read per submission (issue 26 §1).

Every submission asks whether its credit code has a verified account (to mark it
``not_from_account`` when it does not come from that account). Asking the accounts
collection each time would cost the intake path a read per submission; instead each
process keeps the set of verified credit codes and a *generation*, a counter every
change of that set increments (a verification, a refusal, an account made or disabled:
``changed()``). At most every ``max_age`` seconds the process reads the generation (one
read by key) and reloads the set only when it moved. A process that made the change
itself knows at once; another replica within ``max_age`` seconds.
"""

import math
import threading
import time
from collections.abc import Callable
from typing import Any

from ..domain.access import ENTERPRISE
from ..domain.account import VERIFIED

GENERATION = "generation:enterprise-identities"


class VerifiedEnterpriseDirectory:
    def __init__(self, database: Any, max_age: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.accounts = database.accounts
        self.counters = database.counters
        self.max_age = max_age
        self.clock = clock
        self._verified: frozenset[str] = frozenset()
        self._generation: int | None = None
        self._checked_at = -math.inf
        self._lock = threading.Lock()

    def has_verified_account(self, uscc: str) -> bool:
        self._refresh()
        return uscc in self._verified

    def changed(self) -> None:
        """The set of verified enterprises changed: every process reloads it."""
        self.counters.update_one({"_id": GENERATION}, {"$inc": {"value": 1}}, upsert=True)
        self._checked_at = -math.inf

    def _refresh(self) -> None:
        if self.clock() - self._checked_at < self.max_age:
            return
        with self._lock:
            if self.clock() - self._checked_at < self.max_age:
                return  # another green thread refreshed it meanwhile
            # the generation first: a change after this read is seen at the next refresh
            stored = self.counters.find_one({"_id": GENERATION})
            generation = int(stored["value"]) if stored else 0
            if generation != self._generation:
                self._verified = self._load()
                self._generation = generation
            self._checked_at = self.clock()

    def _load(self) -> frozenset[str]:
        found = self.accounts.find({"role": ENTERPRISE}, {"_id": 1, "state": 1, "active": 1})
        # accounts stored before enterprise accounts were verified have no state: verified
        return frozenset(each["_id"] for each in found if each.get("active", True)
                         and each.get("state", VERIFIED) == VERIFIED)
