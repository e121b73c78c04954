"""A command over RPC lives only as long as its caller waits (issue 26 §3).

The gateway waits ``RPC_TIMEOUT`` seconds for a domain service and then answers 503. A
command it sent must not run after that: the person was told it failed, and may well do
it again. So every call carries

* an AMQP ``expiration`` equal to the caller's wait: RabbitMQ drops a request nobody
  took in time, so a service that was down does not find yesterday's commands waiting
  when it starts;
* its deadline (``qi_deadline``, epoch seconds) in the context headers: a service that
  takes a request after its deadline answers :class:`CommandExpired` without running it
  (``rpc.ResilientRpc``), and one that takes it in time runs it with every store
  operation bounded by the time left (pymongo's client-side timeout), so a command never
  touches its store after the caller stopped waiting, and a store that does not answer
  is reported (503 naming the store) before the caller gives up;
* an idempotency key (``qi_command``, ``applied_commands.py``), so a command that ran
  and could not answer, then came again, applies once.

A command taken just before its deadline may still apply once after the caller gave up;
its result is then on the request's timeline like any other step. Deadlines compare the
clocks of two machines: keep them synchronised (NTP), as any cluster's are.
"""

import time
from typing import Any

import pymongo
from nameko.extensions import DependencyProvider

from . import applied_commands

DEADLINE_KEY = "qi_deadline"
COMMAND_KEY = "qi_command"
# Time the answer needs to travel back, at least REPLY_MARGIN seconds or this share of
# the time left (a loaded machine answers slowly): store operations end that long before
# the deadline, so the caller still hears why the command failed.
REPLY_MARGIN = 0.25
REPLY_SHARE = 0.3


def store_budget(left: float) -> float:
    """Seconds the store operations of a call with ``left`` seconds to its deadline may take."""
    return max(left - max(REPLY_MARGIN, left * REPLY_SHARE), 0.001)


class CommandExpired(Exception):
    """The caller stopped waiting before this command was taken: it was not run."""


def call_headers(timeout: float, command_key: str, now: float | None = None) -> dict[str, Any]:
    """The context headers of a call the caller waits ``timeout`` seconds for."""
    return {DEADLINE_KEY: (time.time() if now is None else now) + timeout, COMMAND_KEY: command_key}


def seconds_left(context_data: dict[str, Any], now: float | None = None) -> float | None:
    """Seconds until the caller stops waiting (negative: it has), or None if it set no deadline."""
    deadline = context_data.get(DEADLINE_KEY)
    if deadline is None:
        return None
    try:
        return float(deadline) - (time.time() if now is None else now)
    except (TypeError, ValueError):
        return None  # not a deadline this platform wrote


class CallDeadline(DependencyProvider):
    """Declared by every domain service: while a worker runs a call, its store operations
    end before the caller's deadline, and the call's idempotency key is in force."""

    def __init__(self) -> None:
        self._running: dict[Any, tuple[Any, Any]] = {}

    def worker_setup(self, worker_ctx: Any) -> None:
        left = seconds_left(worker_ctx.data)
        bounded = pymongo.timeout(store_budget(left)) if left is not None else None
        if bounded is not None:
            bounded.__enter__()
        token = applied_commands.start(worker_ctx.data.get(COMMAND_KEY))
        self._running[worker_ctx] = (bounded, token)

    def worker_teardown(self, worker_ctx: Any) -> None:
        bounded, token = self._running.pop(worker_ctx, (None, None))
        if token is not None:
            try:
                applied_commands.end(token)
            except ValueError:  # reset from another context: the worker's context ends anyway
                pass
        if bounded is not None:
            try:
                bounded.__exit__(None, None, None)
            except ValueError:
                pass
