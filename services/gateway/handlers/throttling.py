"""Applying the limits of ``domain/throttle.py`` to requests (counters in ``adapters/counters.py``).

A public lookup is wrapped in :meth:`Throttle.lookup`::

    with self.throttle.lookup(client, subject=("code", code)):
        ...  # raises RequestNotFound when code and phone do not match

Entering spends the client's point (429 if its budget is spent, or if the subject has
seen too many wrong phones); a "not found" leaving the block costs the client
``FAILED_LOOKUP_COST`` more and counts against the subject, then goes on as before.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol

from ..domain.request_code import MalformedCode, WrongCheckCharacter, parse_code
from ..domain.throttle import (
    FAILED_LOGINS_PER_CLIENT,
    FAILED_LOGINS_PER_USERNAME,
    FAILED_LOOKUP_COST,
    FAILED_LOOKUPS_PER_SUBJECT,
    LOOKUPS_PER_CLIENT,
    Backoff,
    Budget,
    Count,
    TooManyRequests,
    backoff_wait,
    budget_exceeded,
)


class Counters(Protocol):
    """Counts over fixed windows of time (``adapters/counters.py``)."""

    def add(self, key: str, amount: int, window: int, now: float) -> Count: ...
    def read(self, key: str, window: int, now: float) -> Count: ...
    def clear(self, key: str, window: int, now: float) -> None: ...


class Throttle:
    def __init__(self, counters: Counters, failures: Iterable[type[Exception]] = (),
                 clock: Callable[[], float] = time.time) -> None:
        self.counters = counters
        self.failures = tuple(failures)  # exception classes meaning "nothing matched"
        self.clock = clock

    # -- lookups ----------------------------------------------------------------------------
    @contextmanager
    def lookup(self, client: str, subject: tuple[str, str] | None = None,
               budget: Budget = LOOKUPS_PER_CLIENT) -> Iterator[None]:
        now = self.clock()
        client_key = f"{budget.scope}|{client}"
        refused = budget_exceeded(budget, self.counters.add(client_key, 1, budget.window, now), now)
        if refused:
            raise refused
        subject_key = f"{FAILED_LOOKUPS_PER_SUBJECT.scope}|{subject[0]}|{subject[1]}" if subject else None
        if subject_key:
            count = self.counters.read(subject_key, FAILED_LOOKUPS_PER_SUBJECT.window, now)
            if count.value >= FAILED_LOOKUPS_PER_SUBJECT.limit:
                raise TooManyRequests("too_many_requests", count.window_ends - now)
        try:
            yield
        except self.failures:
            self.counters.add(client_key, FAILED_LOOKUP_COST, budget.window, now)
            if subject_key:
                self.counters.add(subject_key, 1, FAILED_LOOKUPS_PER_SUBJECT.window, now)
            raise

    # -- sign-in ----------------------------------------------------------------------------
    def check_login(self, username: str, client: str) -> None:
        """Raise TooManyRequests while this username or client must still wait."""
        now = self.clock()
        wait = max(backoff_wait(rule, self.counters.read(key, rule.window, now), now)
                   for rule, key in self._login_keys(username, client))
        if wait > 0:
            raise TooManyRequests("too_many_failed_logins", wait)

    def login_failed(self, username: str, client: str) -> None:
        now = self.clock()
        for rule, key in self._login_keys(username, client):
            self.counters.add(key, 1, rule.window, now)

    def login_succeeded(self, username: str) -> None:
        rule = FAILED_LOGINS_PER_USERNAME
        self.counters.clear(f"{rule.scope}|{_username_key(username)}", rule.window, self.clock())

    @staticmethod
    def _login_keys(username: str, client: str) -> tuple[tuple[Backoff, str], ...]:
        return ((FAILED_LOGINS_PER_USERNAME, f"{FAILED_LOGINS_PER_USERNAME.scope}|{_username_key(username)}"),
                (FAILED_LOGINS_PER_CLIENT, f"{FAILED_LOGINS_PER_CLIENT.scope}|{client}"))


def _username_key(username: str) -> str:
    # credit codes sign in however their letters are typed (auth.find_account)
    return username.strip().upper()[:64]


def code_subject(code_text: object, phone: str | None) -> tuple[str, str] | None:
    """What a lookup by request code and phone counts its misses against: the code.
    None without a phone (a signed-in user is not guessing phones) or for a mistyped
    code (refused before anything is looked up)."""
    if not phone:
        return None
    try:
        return ("code", str(parse_code(code_text)))
    except (MalformedCode, WrongCheckCharacter):
        return None
