"""Applying the limits of ``domain/throttle.py`` to requests (counters in ``adapters/counters.py``).

A public lookup is wrapped in :meth:`Throttle.lookup`::

    with self.throttle.lookup(asker, subject=("code", code)):
        ...  # raises RequestNotFound when code and phone do not match

``asker`` is who is counted: a client address, or ``account:<username>`` for a signed-in
account (web/server.py ``lookup_asker``). Entering spends the asker's point (429 if its
budget is spent, or if it gave this subject too many wrong phones); a "not found"
leaving the block costs the asker ``FAILED_LOOKUP_COST`` more and counts against the
subject for that asker, then goes on as before.

A sign-in attempt is reserved before its password is checked (:meth:`Throttle.login_attempt`):
each of its back-offs (``domain/throttle.login_bounds``) is counted by an update that
succeeds only over the count the decision was taken on, so parallel attempts are
decided one after another. A successful sign-in gives its reservation back.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from ..domain.request_code import MalformedCode, WrongCheckCharacter, parse_code
from ..domain.throttle import (
    FAILED_LOGINS_PER_ACCOUNT,
    FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT,
    FAILED_LOGINS_PER_CLIENT,
    FAILED_LOOKUP_COST,
    FAILED_LOOKUPS_PER_SUBJECT,
    LOOKUPS_PER_CLIENT,
    Backoff,
    Budget,
    Count,
    TooManyRequests,
    backoff_wait,
    budget_exceeded,
    login_bounds,
)

# How often an attempt reads a count again after another writer changed it first; with
# 40 attempts at once each round decides one of them, and after a few the back-off refuses
# the rest without writing.
RESERVATION_ROUNDS = 64


class Counters(Protocol):
    """Counts over fixed windows of time (``adapters/counters.py``)."""

    def add(self, key: str, amount: int, window: int, now: float) -> Count: ...
    def add_if_unchanged(self, key: str, amount: int, window: int, now: float, seen: int) -> bool: ...
    def read(self, key: str, window: int, now: float) -> Count: ...
    def clear(self, key: str, window: int, now: float) -> None: ...


@dataclass(frozen=True)
class LoginAttempt:
    """A sign-in attempt counted as a failure until it succeeds: the counters it holds."""

    reserved: tuple[tuple[Backoff, str], ...]
    at: float


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
        subject_key = f"{FAILED_LOOKUPS_PER_SUBJECT.scope}|{client}|{subject[0]}|{subject[1]}" if subject else None
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
    def login_attempt(self, account: str, client: str, known_address: bool) -> LoginAttempt:
        """Count one attempt to sign in to ``account`` (a username as typed) from
        ``client`` as a failure, before its password is checked; raise TooManyRequests
        (counting nothing) while any of its back-offs says wait."""
        now = self.clock()
        reserved: list[tuple[Backoff, str]] = []
        for rule in login_bounds(known_address):
            key = _login_key(rule, _username_key(account), client)
            wait = self._reserve(rule, key, now)
            if wait > 0:
                self._give_back(reserved, now)
                raise TooManyRequests("too_many_failed_logins", wait)
            reserved.append((rule, key))
        return LoginAttempt(tuple(reserved), now)

    def login_succeeded(self, attempt: LoginAttempt) -> None:
        """The password was right: the account and address start afresh, and the wider
        bounds forget this attempt."""
        now = self.clock()
        for rule, key in attempt.reserved:
            if rule is FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT:
                self.counters.clear(key, rule.window, now)
            else:
                self.counters.add(key, -1, rule.window, now)

    def _reserve(self, rule: Backoff, key: str, now: float) -> float:
        """Add this attempt to the count if the count lets it go ahead now: 0. Otherwise
        the seconds to wait (nothing added)."""
        for _ in range(RESERVATION_ROUNDS):
            count = self.counters.read(key, rule.window, now)
            wait = backoff_wait(rule, count, now)
            if wait > 0:
                return wait
            if self.counters.add_if_unchanged(key, 1, rule.window, now, count.value):
                return 0
        return 1  # an attempt that kept losing the race: it may come back in a second

    def _give_back(self, reserved: list[tuple[Backoff, str]], now: float) -> None:
        for rule, key in reserved:
            self.counters.add(key, -1, rule.window, now)


def _login_key(rule: Backoff, account: str, client: str) -> str:
    if rule is FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT:
        return f"{rule.scope}|{account}|{client}"
    if rule is FAILED_LOGINS_PER_ACCOUNT:
        return f"{rule.scope}|{account}"
    return f"{FAILED_LOGINS_PER_CLIENT.scope}|{client}"


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
